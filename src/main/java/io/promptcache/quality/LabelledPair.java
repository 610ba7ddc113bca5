package io.promptcache.quality;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One labelled question pair: {@code text_a TAB text_b TAB label}; label 1 when an answer to a is a
 * correct answer to b, 0 when it is not.
 */
public record LabelledPair(String stored, String asked, boolean same) {

    /** Reads a pairs file; a malformed line is an error naming the file and line, nothing is skipped silently. */
    public static List<LabelledPair> read(Path file) throws IOException {
        List<LabelledPair> pairs = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = in.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length != 3 || !(f[2].strip().equals("0") || f[2].strip().equals("1"))) {
                    throw new IOException(file + " line " + n + ": expected text_a<TAB>text_b<TAB>0|1");
                }
                pairs.add(new LabelledPair(f[0], f[1], f[2].strip().equals("1")));
            }
        }
        return pairs;
    }
}
