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
        String kind = operation + ":" + error.getClass().getName();
        long now = System.nanoTime();
        AtomicLong last = lastWarned.computeIfAbsent(kind, k -> new AtomicLong(now - INTERVAL_NANOS));
        long previous = last.get();
        AtomicLong skipped = suppressed.computeIfAbsent(kind, k -> new AtomicLong());
        if (now - previous >= INTERVAL_NANOS && last.compareAndSet(previous, now)) {
            long n = skipped.getAndSet(0);
            log.warn("cache {} failed ({}); the call went to the model uncached{}", operation,
                    error.getClass().getSimpleName(), n == 0 ? "" : " [" + n + " similar faults not logged]");
        } else {
            skipped.incrementAndGet();
        }
        log.debug("cache {} failed", operation, error);
    }
}
