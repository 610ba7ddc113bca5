package io.promptcache.cassette;

import java.nio.file.Path;

/**
 * A request that has no recording, in {@link CassetteMode#REPLAY}. The message names the request's key, the
 * nearest recording in the directory and the first difference between the two: which message (by index and
 * role), the system prompt, a tool, a parameter or a tool result, with the recorded and the current value.
 */
public final class CassetteMissException extends RuntimeException {

    private final String key;
    private final transient Path nearest;
    private final String difference;

    CassetteMissException(String key, Path directory, Path nearest, String difference) {
        super(message(key, directory, nearest, difference));
        this.key = key;
        this.nearest = nearest;
        this.difference = difference;
    }

    private static String message(String key, Path directory, Path nearest, String difference) {
        StringBuilder m = new StringBuilder("no recording of this request (key ").append(key).append(") in ").append(directory);
        if (nearest == null) {
            m.append("; the directory holds no recording. Record with -D").append(CassetteMode.PROPERTY).append("=record");
        } else {
            m.append("; nearest recording ").append(nearest.getFileName()).append(", which differs first in ").append(difference)
                    .append(". If the change is intended, record again with -D").append(CassetteMode.PROPERTY).append("=record");
        }
        return m.toString();
    }

    /** The key of the request that missed. */
    public String key() {
        return key;
    }

    /** The nearest recording, or {@code null} when the directory has none. */
    public Path nearest() {
        return nearest;
    }

    /** The first difference from the nearest recording, or {@code null}. */
    public String difference() {
        return difference;
    }
}
