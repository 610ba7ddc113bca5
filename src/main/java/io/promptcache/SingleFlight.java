package io.promptcache;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/** Collapses identical concurrent calls into one: the first caller computes, the others wait for it. */
final class SingleFlight<T> {

    private final ConcurrentMap<String, CompletableFuture<T>> inFlight = new ConcurrentHashMap<>();

    /** Result of {@link #run}: the value and whether this caller waited for another's call. */
    record Result<T>(T value, boolean shared) {
    }

    Result<T> run(String key, Supplier<T> work) {
        if (key == null) {
            return new Result<>(work.get(), false);
        }
        CompletableFuture<T> mine = new CompletableFuture<>();
        CompletableFuture<T> existing = inFlight.putIfAbsent(key, mine);
        if (existing != null) {
            return new Result<>(await(existing), true);
        }
        try {
            T value = work.get();
            mine.complete(value);
            return new Result<>(value, false);
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
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
