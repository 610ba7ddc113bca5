package io.promptcache;

/** Where an entry's time to live counts from. */
public enum TtlMode {
    /** From when the answer was stored (the default): an entry lives its TTL, however popular. */
    FIXED,
    /**
     * From its last hit, never past the maximum age: a popular entry stays while it is used. That is also
     * how a stale answer becomes immortal, so keep the maximum age short enough for your content.
     */
    SLIDING
}
