package io.promptcache.cli;

import io.promptcache.CacheDependency;
import io.promptcache.CacheMetrics;
import io.promptcache.DependencyHealth;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Tells the user, once per change and as one line on stderr, when a cache dependency goes down and when it is
 * back, naming where it is (the Redis, the Ollama URL) and what happened in words. The CLI keeps the library's
 * own fault logs quiet ({@link PromptCacheCli}), so this is the only line a degradation costs.
 */
public final class HealthReport {

    private final Set<CacheDependency> down = EnumSet.noneOf(CacheDependency.class);
    private final Map<CacheDependency, String> where = new EnumMap<>(CacheDependency.class);
    private final StatusLine err;

    /**
     * @param store    where the entries and vectors live, e.g. "Redis at 127.0.0.1:6379"
     * @param embedder the embedding model, e.g. "Ollama at http://ollama:11434"
     */
    public HealthReport(String store, String embedder, StatusLine err) {
        this.err = err;
        where.put(CacheDependency.STORE, store);
        where.put(CacheDependency.VECTOR_STORE, store);
        where.put(CacheDependency.EMBEDDER, embedder);
    }

    public synchronized void report(CacheMetrics metrics) {
        for (DependencyHealth h : metrics.health().values()) {
            String name = h.dependency().wireName().replace('_', ' ');
            String at = where.get(h.dependency());
            if (!h.up() && down.add(h.dependency())) {
                err.note(String.format("promptcache: cache %s degraded (%s %s); answers go to the model uncached where they need it",
                        name, at == null ? "it" : at, FaultMessages.kindInWords(h.lastFault())));
            } else if (h.up() && down.remove(h.dependency())) {
                err.note("promptcache: cache " + name + " is back" + (at == null ? "" : " (" + at + ")"));
            }
        }
    }
}
