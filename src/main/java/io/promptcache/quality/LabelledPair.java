package io.promptcache.quality;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One labelled question pair: {@code text_a TAB text_b TAB label}; label 1 when an answer to a is a
 * correct answer to b, 0 when it is not.
 */
public record LabelledPair(String stored, String asked, boolean same) {

    /**
     * Reads a pairs file. A missing file, a folder, text that is not UTF-8, a malformed line or a file with no pair
     * at all is an {@link InputFileException} naming the file (and the line); nothing is skipped silently.
     */
    public static List<LabelledPair> read(Path file) throws IOException {
        List<LabelledPair> pairs = new ArrayList<>();
        int n = 0;
        for (String line : TextFiles.readLines(file)) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length != 3 || !(f[2].strip().equals("0") || f[2].strip().equals("1"))) {
                throw new InputFileException(file + " line " + n + ": expected text_a<TAB>text_b<TAB>0|1, found "
                        + (f.length == 3 ? "the label '" + cut(f[2].strip()) + "'" : f.length + " field(s)"));
            }
            pairs.add(new LabelledPair(f[0], f[1], f[2].strip().equals("1")));
        }
        if (pairs.isEmpty()) {
            throw new InputFileException(file + " holds no labelled pairs: expected lines of text_a<TAB>text_b<TAB>0|1");
        }
        return pairs;
    }

    private static String cut(String s) {
        return s.length() <= 20 ? s : s.substring(0, 19) + "…";
    }
}
