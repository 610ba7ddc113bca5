package io.promptcache.core;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Carries a front door's own call object across the engine to the door's downstream model, on the caller's thread.
 * The engine's request holds only what is keyed; what a miss must send as the application wrote it (a Spring AI
 * prompt, a gateway client's body and headers) rides here instead. The caching models call their delegate on the
 * caller's thread (the leader's, in a burst), so the delegate finds it. Nested calls restore the outer one.
 *
 * @param <T> the door's call object
 */
public final class ThreadCarrier<T> {

    private final ThreadLocal<T> current = new ThreadLocal<>();
    private final String outside;

    /** @param outside what {@link #current()} says when called with nothing carried, naming the door */
    public ThreadCarrier(String outside) {
        this.outside = Objects.requireNonNull(outside, "outside");
    }

    /** Runs {@code action} with {@code call} current on this thread. */
    public <R> R with(T call, Supplier<R> action) {
        T previous = current.get();
        current.set(Objects.requireNonNull(call, "call"));
        try {
            return action.get();
        } finally {
            if (previous == null) {
                current.remove();
            } else {
                current.set(previous);
            }
        }
    }

    /** The call being carried on this thread. */
    public T current() {
        T call = current.get();
        if (call == null) {
            throw new IllegalStateException(outside);
        }
        return call;
    }
}
