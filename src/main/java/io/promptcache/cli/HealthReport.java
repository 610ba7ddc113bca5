package io.promptcache.cli;

import io.promptcache.CacheDependency;
import io.promptcache.CacheMetrics;
import io.promptcache.DependencyHealth;

import java.io.PrintStream;
import java.util.EnumSet;
import java.util.Set;

/** Tells the user, once per change and on stderr, when a cache dependency goes down and when it is back. */
final class HealthReport {

    private final Set<CacheDependency> down = EnumSet.noneOf(CacheDependency.class);

    void report(CacheMetrics metrics, PrintStream err) {
        for (DependencyHealth h : metrics.health().values()) {
            if (!h.up() && down.add(h.dependency())) {
                err.printf("promptcache: cache %s degraded (%s); answers go to the model uncached where they need it%n",
                        h.dependency().wireName(), h.lastFault());
            } else if (h.up() && down.remove(h.dependency())) {
                err.printf("promptcache: cache %s is back%n", h.dependency().wireName());
            }
        }
    }
}
