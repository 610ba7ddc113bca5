package io.promptcache;

import java.util.Locale;

/** Where an answer came from. */
public enum CacheSource {
    /** Served from an entry whose whole request was identical. */
    EXACT,
    /** Served from a verified neighbour in the same scope. */
    SEMANTIC,
    /** Answered by the wrapped model. */
    LLM;

    /** Lower-case wire name: {@code exact}, {@code semantic}, {@code llm}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean cached() {
        return this != LLM;
    }
}
