package io.promptcache.quality;

import java.io.IOException;

/**
 * A file given as input that cannot be used, said in the user's words: which file, which line and what is wrong
 * with it (missing, a folder, not UTF-8, malformed, empty). Nothing is skipped silently.
 */
public final class InputFileException extends IOException {

    private static final long serialVersionUID = 1L;

    public InputFileException(String message) {
        super(message);
    }

    public InputFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
