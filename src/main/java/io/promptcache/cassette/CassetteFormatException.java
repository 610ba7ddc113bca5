package io.promptcache.cassette;

import java.nio.file.Path;

/**
 * A cassette file that cannot be read: corrupt, truncated, of an unknown format version, or another request's.
 * It is never taken for a miss and never re-recorded silently: fix or delete the file.
 */
public final class CassetteFormatException extends RuntimeException {

    private final transient Path file;

    CassetteFormatException(Path file, String reason, Throwable cause) {
        super("cassette file " + file + " cannot be used: " + reason, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
