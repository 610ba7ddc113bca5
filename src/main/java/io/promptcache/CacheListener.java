package io.promptcache;

/** Told of every call's outcome, on the calling thread (or the stream's thread for streaming). */
@FunctionalInterface
public interface CacheListener {
    void onOutcome(CacheOutcome outcome);
}
