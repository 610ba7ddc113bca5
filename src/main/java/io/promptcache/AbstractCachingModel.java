package io.promptcache;

import io.promptcache.prefix.CacheAccounting;
import io.promptcache.prefix.PrefixBreakDetector;
import io.promptcache.store.CacheStore;

/** What the blocking and the streaming caching models share: the engine and its views. */
public abstract class AbstractCachingModel {

    final CacheEngine engine;

    AbstractCachingModel(CachingModelBuilder<?> builder) {
        this.engine = new CacheEngine(builder);
    }

    public CacheMetrics metrics() {
        return engine.metrics();
    }

    /** Running totals of tokens billed and saved, and their cost. */
    public CacheAccounting accounting() {
        return engine.accounting();
    }

    /** The prefix-break detector, or {@code null} when turned off. */
    public PrefixBreakDetector prefixBreaks() {
        return engine.prefixBreaks();
    }

    /** The entry store, for listing, stats and invalidation. */
    public CacheStore store() {
        return engine.store();
    }

    /** Removes every entry of a tenant (and its vectors). */
    public long invalidateTenant(String tenant) {
        return engine.store().clearTenant(tenant);
    }
}
