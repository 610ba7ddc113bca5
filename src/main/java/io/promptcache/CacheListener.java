package io.promptcache;

/**
 * Told of every call's outcome, on the calling thread (or the stream's thread for streaming). A listener
 * that also wants to see the call begin (to time it, or to open a trace span around the model's own call)
 * overrides {@link #onStart()}.
 */
@FunctionalInterface
public interface CacheListener {

    void onOutcome(CacheOutcome outcome);

    /** A call begins, on the caller's thread, before the cache is looked up. */
    default Call onStart() {
        return Call.NONE;
    }

    /**
     * One call, as a listener follows it. {@link #outcome} or {@link #failed} comes once, on any thread;
     * {@link #leave} comes once, on the caller's thread, when the call returns (a stream's call returns
     * when the stream has started, usually before its outcome).
     */
    interface Call {
        Call NONE = new Call() {
        };

        default void outcome(CacheOutcome outcome) {
        }

        /** The model failed; its error goes on to the caller. */
        default void failed(Throwable error) {
        }

        default void leave() {
        }
    }
}
