package io.promptcache.quality;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a UTF-8 text file given by a user, line by line, and says what is wrong in the user's words: a missing
 * file, a folder, a file that cannot be read, or the first line that is not UTF-8 text, always with the path.
 */
public final class TextFiles {

    private TextFiles() {
    }

    /** The file's lines (without their line ends; a leading byte-order mark is dropped). */
    public static List<String> readLines(Path file) throws InputFileException {
        byte[] bytes = readBytes(file);
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        List<String> lines = new ArrayList<>();
        int start = 0;
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf) {
            start = 3;
        }
        int lineNo = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            lineNo++;
            int stop = end > start && bytes[end - 1] == '\r' ? end - 1 : end;
            try {
                lines.add(utf8.decode(ByteBuffer.wrap(bytes, start, stop - start)).toString());
            } catch (CharacterCodingException e) {
                throw new InputFileException(file + " line " + lineNo + " is not UTF-8 text; save the file as UTF-8", e);
            }
            start = end + 1;
        }
        return lines;
    }

    private static byte[] readBytes(Path file) throws InputFileException {
        if (Files.isDirectory(file)) {
            throw new InputFileException(file + " is a folder; give a file");
        }
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InputFileException("no such file: " + file, e);
        } catch (AccessDeniedException e) {
            throw new InputFileException("cannot read " + file + ": permission denied", e);
        } catch (IOException e) {
            throw new InputFileException("cannot read " + file + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
    }
}
