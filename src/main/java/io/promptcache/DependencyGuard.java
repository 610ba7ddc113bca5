package io.promptcache;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A circuit breaker per dependency. While a dependency is down, calls skip it instead of each paying
 * its latency budget; one call per retry interval probes it, and the first success brings it back.
 * The state itself lives in {@link CacheMetrics}, so what callers skip is what operators see.
 */
final class DependencyGuard {

    private final CacheMetrics metrics;
    private final long retryNanos;
    private final Map<CacheDependency, AtomicLong> lastAttempt = new EnumMap<>(CacheDependency.class);

    DependencyGuard(CacheMetrics metrics, Duration retryInterval) {
        this.metrics = metrics;
        this.retryNanos = retryInterval.toNanos();
        for (CacheDependency d : CacheDependency.values()) {
            lastAttempt.put(d, new AtomicLong(System.nanoTime() - retryNanos));
        }
    }

    /** True when a call may use the dependency: it is up, or it is down and this call is the probe. */
    boolean allow(CacheDependency dependency) {
        if (metrics.isUp(dependency)) {
            return true;
        }
        AtomicLong last = lastAttempt.get(dependency);
        long previous = last.get();
        long now = System.nanoTime();
        return now - previous >= retryNanos && last.compareAndSet(previous, now);
    }

    void ok(CacheDependency dependency) {
        metrics.dependencyUp(dependency);
    }

    void failed(CacheDependency dependency, String kind) {
        lastAttempt.get(dependency).set(System.nanoTime());
        metrics.dependencyFault(dependency, kind);
    }
}
