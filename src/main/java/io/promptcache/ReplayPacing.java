package io.promptcache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a cached answer is replayed as a stream: chunk size and the pause between chunks. The default
 * sends chunks of about the size a model streams (a few CJK characters or one word) with no pause, so
 * the first chunk leaves as soon as the lookup is done.
 *
 * @param cjkCharsPerChunk CJK characters per chunk
 * @param wordsPerChunk    words per chunk for other scripts
 * @param delay            pause between chunks; zero for none
 */
public record ReplayPacing(int cjkCharsPerChunk, int wordsPerChunk, Duration delay) {

    public static final ReplayPacing DEFAULT = new ReplayPacing(3, 1, Duration.ZERO);

    public ReplayPacing {
        if (cjkCharsPerChunk < 1 || wordsPerChunk < 1) {
            throw new IllegalArgumentException("chunk sizes must be at least 1");
        }
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative");
        }
    }

    /** Pacing like a model's: chunks at {@code tokensPerSecond}. */
    public static ReplayPacing likeModel(double tokensPerSecond) {
        if (!(tokensPerSecond > 0)) {
            throw new IllegalArgumentException("tokensPerSecond must be positive");
        }
        return new ReplayPacing(3, 1, Duration.ofNanos((long) (2e9 / tokensPerSecond)));
    }

    /** Splits text into chunks; they concatenate back to exactly {@code text}. */
    public List<String> chunks(String text) {
        List<String> out = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        StringBuilder cur = new StringBuilder();
        int cjk = 0;
        int words = 0;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            cur.append(ch);
            if (Character.isHighSurrogate(ch) && i + 1 < text.length()) {
                cur.append(text.charAt(++i)); // never split a surrogate pair (emoji)
                continue;
            }
            if (Character.UnicodeScript.of(ch) == Character.UnicodeScript.HAN) {
                if (++cjk >= cjkCharsPerChunk) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    cjk = 0;
                    words = 0;
                }
            } else if (Character.isWhitespace(ch) && i > 0 && !Character.isWhitespace(text.charAt(i - 1))) {
                if (++words >= wordsPerChunk) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    cjk = 0;
                    words = 0;
                }
            }
        }
        if (cur.length() > 0) {
            out.add(cur.toString());
        }
        return out;
    }
}
