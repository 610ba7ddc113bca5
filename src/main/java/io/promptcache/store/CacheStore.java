package io.promptcache.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where cache entries live. The policy (what to cache, how to match) lives in the caching models;
 * a store only keeps entries, expires them, bounds them per tenant and evicts the least recently used.
 *
 * <p>Implementations must be thread-safe. Every method may throw on an infrastructure fault; the
 * caching models catch it and pass the call through to the model (fail-open).
 */
public interface CacheStore extends AutoCloseable {

    /**
     * Reads an entry and, in the same step, counts a hit: the hit count goes up by one and the last
     * access time becomes now. This is the read used to serve an answer, exact or semantic.
     */
    Optional<CacheEntry> hit(String tenant, String entryId);

    /** Reads an entry without touching its metadata. */
    Optional<CacheEntry> peek(String tenant, String entryId);

    /** Stores or replaces an entry; {@code ttl} of zero or {@code null} means no expiry. */
    void put(CacheEntry entry, Duration ttl);

    boolean remove(String tenant, String entryId);

    /** Removes every entry of a tenant; returns how many went. */
    long clearTenant(String tenant);

    /** Removes every entry of one semantic scope of a tenant; returns how many went. */
    long clearScope(String tenant, String scopeKey);

    /** Up to {@code limit} entries of a tenant, in no particular order. */
    List<CacheEntry> list(String tenant, int limit);

    /** Tenants that hold entries. */
    List<String> tenants();

    StoreStats stats(String tenant);

    /** Registers a listener told of every entry that leaves the store. */
    void addRemovalListener(RemovalListener listener);

    @Override
    default void close() {
    }

    /** Told of each entry that leaves the store, whatever the cause. */
    @FunctionalInterface
    interface RemovalListener {
        void onRemoval(String tenant, String entryId, RemovalCause cause);
    }
}
