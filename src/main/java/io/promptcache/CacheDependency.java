package io.promptcache;

import java.util.Locale;

/**
 * What the cache depends on. A fault of any of them degrades the cache, never the call: the call
 * goes on to the model, and the outcome and {@link CacheMetrics} name the dependency that failed.
 */
public enum CacheDependency {
    /** The entry store (Redis, or the in-memory store). The exact tier needs only this. */
    STORE,
    /** The embedding model (Ollama, or the in-process model). Only the semantic tier needs it. */
    EMBEDDER,
    /** The vector store searched by the semantic tier. */
    VECTOR_STORE,
    /** The cache's own work (fingerprint, layout, a full executor queue). */
    CACHE;

    /** Lower-case name for logs, JSON and metric tags: {@code store}, {@code embedder}, {@code vector_store}, {@code cache}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
