package io.promptcache.testing;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for something that happens in the background (a sync thread, a late write), failing after a bound. */
public final class Await {

    private Await() {
    }

    public static void until(BooleanSupplier condition, Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 15 s: " + what.get());
            }
            Thread.sleep(50);
        }
    }

    public static void until(BooleanSupplier condition, String what) throws InterruptedException {
        until(condition, () -> what);
    }

    public static void until(BooleanSupplier condition) throws InterruptedException {
        until(condition, "the condition");
    }
}
