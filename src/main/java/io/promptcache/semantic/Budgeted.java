package io.promptcache.semantic;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Runs a remote check with a time budget; a check that fails or runs late counts as "no". */
final class Budgeted {

    private static final ExecutorService EXECUTOR = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "promptcache-verifier");
        t.setDaemon(true);
        return t;
    });

    private Budgeted() {
    }

    /** The value, or null when the call failed or took longer than {@code budget}. */
    static <T> T call(Supplier<T> work, Duration budget) {
        CompletableFuture<T> future = CompletableFuture.supplyAsync(work, EXECUTOR);
        try {
            return future.get(budget.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            future.cancel(true);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
