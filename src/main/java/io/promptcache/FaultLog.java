package io.promptcache;

import org.slf4j.Logger;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rate-limited WARN for cache faults: an outage of Redis or the embedder must not flood the log.
 * Only the exception type and the operation are logged at WARN, never prompt text; the full
 * exception goes to DEBUG.
 */
final class FaultLog {

    private static final long INTERVAL_NANOS = 10_000_000_000L;

    private final Logger log;
    private final ConcurrentMap<String, AtomicLong> lastWarned = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, AtomicLong> suppressed = new ConcurrentHashMap<>();

    FaultLog(Logger log) {
        this.log = log;
    }

    void fault(String operation, Throwable error) {
        String kind = operation + ":" + kind(error);
        long now = System.nanoTime();
        AtomicLong last = lastWarned.computeIfAbsent(kind, k -> new AtomicLong(now - INTERVAL_NANOS));
        long previous = last.get();
        AtomicLong skipped = suppressed.computeIfAbsent(kind, k -> new AtomicLong());
        if (now - previous >= INTERVAL_NANOS && last.compareAndSet(previous, now)) {
            long n = skipped.getAndSet(0);
            log.warn("cache {} failed ({}); the call went on without it{}", operation,
                    kind(error), n == 0 ? "" : " [" + n + " similar faults not logged]");
        } else {
            skipped.incrementAndGet();
        }
        log.debug("cache {} failed", operation, error);
    }

    /**
     * Runs cache I/O nobody waits for (a sliding TTL, a canonical turn): a fault, or a full pool, is logged
     * like any other and costs only that write.
     */
    void inBackground(java.util.concurrent.Executor executor, String operation, Runnable work) {
        try {
            executor.execute(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    fault(operation, e);
                }
            });
        } catch (RuntimeException rejected) {
            fault(operation, rejected);
        }
    }

    /**
     * The simple class name of the first cause that is not a mere wrapper, e.g. {@code ConnectException}
     * inside LangChain4j's {@code RuntimeException}: what an operator can act on.
     */
    static String kind(Throwable error) {
        Throwable t = error;
        for (int depth = 0; isWrapper(t) && t.getCause() != null && t.getCause() != t && depth < 16; depth++) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName();
    }

    private static boolean isWrapper(Throwable t) {
        Class<?> c = t.getClass();
        return c == RuntimeException.class || c == java.util.concurrent.ExecutionException.class
                || c == java.util.concurrent.CompletionException.class || c == java.io.UncheckedIOException.class
                || c == java.lang.reflect.InvocationTargetException.class;
    }
}
