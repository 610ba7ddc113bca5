package io.promptcache;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Collapses identical concurrent calls into one: the first caller computes, the others wait for it.
 *
 * <p>A flight stays joinable until its answer has <em>settled</em> (is readable in the store), not just
 * until it is computed, and every settlement moves the {@linkplain #epoch() epoch}. A caller that read the
 * epoch before its cache lookup and finds it moved when it wins a flight knows an identical answer may have
 * landed after its lookup, and reads the store again before calling the model (docs/architecture.md,
 * "Single flight").
 */
final class SingleFlight<T> {

    private final ConcurrentMap<String, CompletableFuture<T>> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong epoch = new AtomicLong();

    /** Result of {@link #run}: the value and whether this caller waited for another's call. */
    record Result<T>(T value, boolean shared) {
    }

    /** Moves at every flight's settlement; read it before the lookup, compare it in the flight. */
    long epoch() {
        return epoch.get();
    }

    Result<T> run(String key, Supplier<T> work) {
        return run(key, work, v -> CompletableFuture.completedFuture(null));
    }

    /**
     * Runs {@code work} once for all concurrent callers of {@code key}; the key stays joinable until the
     * stage {@code settled} returns for the value has completed.
     */
    Result<T> run(String key, Supplier<T> work, Function<T, CompletionStage<?>> settled) {
        if (key == null) {
            return new Result<>(work.get(), false);
        }
        CompletableFuture<T> mine = new CompletableFuture<>();
        CompletableFuture<T> existing = inFlight.putIfAbsent(key, mine);
        if (existing != null) {
            return new Result<>(await(existing), true);
        }
        T value;
        try {
            value = work.get();
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            land(key, mine);
            throw e;
        }
        mine.complete(value);
        CompletionStage<?> done;
        try {
            done = settled.apply(value);
        } catch (RuntimeException e) {
            done = null;
        }
        if (done == null) {
            done = CompletableFuture.completedFuture(null);
        }
        done.whenComplete((ignored, error) -> land(key, mine));
        return new Result<>(value, false);
    }

    /** The epoch moves before the key goes: whoever no longer finds the flight also sees the new epoch. */
    private void land(String key, CompletableFuture<T> flight) {
        epoch.incrementAndGet();
        inFlight.remove(key, flight);
    }

    int inFlightCount() {
        return inFlight.size();
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for an identical call in flight", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new CompletionException(cause);
        }
    }
}
