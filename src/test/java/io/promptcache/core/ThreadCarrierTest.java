package io.promptcache.core;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ThreadCarrierTest {

    final ThreadCarrier<String> carrier = new ThreadCarrier<>("called outside a door's call");

    @Test
    void aNestedCallSeesItsOwnAndTheOuterOneComesBack() {
        String seen = carrier.with("outer", () -> {
            String inner = carrier.with("inner", carrier::current);
            assertEquals("inner", inner);
            return carrier.current();
        });
        assertEquals("outer", seen);
        IllegalStateException e = assertThrows(IllegalStateException.class, carrier::current);
        assertEquals("called outside a door's call", e.getMessage());
    }

    @Test
    void anotherThreadDoesNotSeeIt() {
        carrier.with("mine", () -> {
            assertThrows(IllegalStateException.class, () -> {
                try {
                    CompletableFuture.supplyAsync(carrier::current).join();
                } catch (java.util.concurrent.CompletionException e) {
                    throw e.getCause();
                }
            });
            return null;
        });
    }

    @Test
    void aFailingActionLeavesNothingBehind() {
        assertThrows(ArithmeticException.class, () -> carrier.with("x", () -> 1 / (carrier.current().length() - 1)));
        assertThrows(IllegalStateException.class, carrier::current);
    }
}
