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

    /**
     * True when the store lives in this process's memory, so that a read never waits on I/O: the caching models then
     * read it on the calling thread rather than hand the read to the cache executor under a time budget.
     */
    default boolean inProcess() {
        return false;
    }

    /** Stores or replaces an entry; {@code ttl} of zero or {@code null} means no expiry. */
    void put(CacheEntry entry, Duration ttl);

    boolean remove(String tenant, String entryId);

    /**
     * Moves an entry's expiry to {@code expiresAtMillis} (a sliding TTL); false when the entry is gone.
     * Never brings back an entry that has expired.
     */
    boolean extend(String tenant, String entryId, long expiresAtMillis);

    /**
     * Forgets a tenant: removes its entries (answers, questions, vectors, hit counts) and everything else the
     * store keeps about it (canonical turns, reported near misses, its place in {@link #tenants()}). Listeners
     * hear of each entry, then {@link RemovalListener#onTenantCleared}. Returns how many entries went; 0 for
     * a tenant the store does not know.
     */
    long clearTenant(String tenant);

    /** Removes every entry of one semantic scope of a tenant; returns how many went. */
    long clearScope(String tenant, String scopeKey);

    /** Up to {@code limit} entries of a tenant, in no particular order. */
    List<CacheEntry> list(String tenant, int limit);

    /**
     * One page of a tenant's entries (metadata included, vectors left out), so a large store can be
     * walked without loading it: start with a {@code null} cursor and pass each page's
     * {@link EntryPage#nextCursor()} until it is {@code null}. An entry written or removed meanwhile may
     * or may not be seen; none is seen twice.
     */
    EntryPage page(String tenant, String cursor, int pageSize);

    /** Tenants that hold entries. */
    List<String> tenants();

    /** True when the store keeps anything about the tenant: entries or reported near misses. */
    default boolean knows(String tenant) {
        return tenants().contains(tenant) || !nearMisses(tenant, 1).isEmpty();
    }

    StoreStats stats(String tenant);

    /**
     * Records that {@code question} must never be answered with the answer to {@code cachedQuestion} in
     * this tenant, nor the other way round: a near miss an application reported. It outlives the entries;
     * {@link #clearTenant} deletes it.
     */
    void recordNearMiss(String tenant, String question, String cachedQuestion);

    /** True when the pair, in either order, was reported as a near miss in this tenant. */
    boolean isNearMiss(String tenant, String question, String cachedQuestion);

    /**
     * Serves a semantic candidate: the entry, counted as a hit, unless the pair was reported as a near
     * miss ({@code vetoed}, nothing counted). One round trip in a remote store.
     */
    default CandidateRead readCandidate(String tenant, String entryId, String question, String cachedQuestion) {
        if (isNearMiss(tenant, question, cachedQuestion)) {
            return new CandidateRead(Optional.empty(), true);
        }
        return new CandidateRead(hit(tenant, entryId), false);
    }

    /** What {@link #readCandidate} found: the entry (empty when it is gone or vetoed), and whether a veto applied. */
    record CandidateRead(Optional<CacheEntry> entry, boolean vetoed) {
    }

    /**
     * Remembers that a turn of a conversation (see {@code RequestFingerprint.Turn}) was answered from the
     * entry for {@code canonicalQuestion}, so the conversation's later requests are keyed as that entry's.
     */
    void recordCanonicalTurn(String tenant, String turnKey, String canonicalQuestion, Duration ttl);

    /**
     * As {@link #recordCanonicalTurn(String, String, String, Duration)}, naming the entry whose question is
     * recorded: a store that can should remove the record with that entry (the built-in stores do), and
     * record nothing when the entry is already gone.
     */
    default void recordCanonicalTurn(String tenant, String turnKey, String canonicalQuestion, String entryId, Duration ttl) {
        recordCanonicalTurn(tenant, turnKey, canonicalQuestion, ttl);
    }

    /** The canonical question of each turn key, {@code null} where none was recorded; one round trip. */
    List<String> canonicalTurns(String tenant, List<String> turnKeys);

    /**
     * An exact lookup together with the canonical questions of the request's earlier turns: one round trip
     * in a remote store, so a conversation with nothing to canonicalise costs nothing more.
     */
    default ExactRead hitWithTurns(String tenant, String entryId, List<String> turnKeys) {
        return new ExactRead(hit(tenant, entryId), turnKeys.isEmpty() ? List.of() : canonicalTurns(tenant, turnKeys));
    }

    /** What {@link #hitWithTurns} found. */
    record ExactRead(Optional<CacheEntry> entry, List<String> canonicalQuestions) {
    }

    /** Up to {@code limit} reported near misses of a tenant. */
    List<NearMiss> nearMisses(String tenant, int limit);

    /**
     * Where self-calibration keeps each vector space's judged pairs and threshold, shared by every model (and,
     * for a shared store such as Redis, every instance) built on this store. Null: this store keeps none, and
     * each caching model keeps its own in its JVM.
     */
    default io.promptcache.calibration.CalibrationStore calibrationStore() {
        return null;
    }

    /** Registers a listener told of every entry that leaves the store. */
    void addRemovalListener(RemovalListener listener);

    @Override
    default void close() {
    }

    /** Told of each entry that leaves the store, whatever the cause. */
    @FunctionalInterface
    interface RemovalListener {
        void onRemoval(String tenant, String entryId, RemovalCause cause);

        /** After {@link #clearTenant}: forget whatever else is kept about the tenant. */
        default void onTenantCleared(String tenant) {
        }
    }
}
