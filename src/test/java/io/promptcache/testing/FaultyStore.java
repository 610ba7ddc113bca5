package io.promptcache.testing;

import io.promptcache.store.CacheEntry;
import io.promptcache.store.CacheStore;
import io.promptcache.store.StoreStats;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A store that is down: every call throws, or hangs for a while first. Stands for a storage
 * outage; used to prove fail-open, never in place of a remote API.
 */
public final class FaultyStore implements CacheStore {

    private final Duration hang;
    public final AtomicInteger calls = new AtomicInteger();

    public FaultyStore(Duration hang) {
        this.hang = hang;
    }

    private <T> T fail() {
        calls.incrementAndGet();
        if (!hang.isZero()) {
            try {
                Thread.sleep(hang.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        throw new IllegalStateException("store is down");
    }

    @Override
    public Optional<CacheEntry> hit(String tenant, String entryId) {
        return fail();
    }

    @Override
    public Optional<CacheEntry> peek(String tenant, String entryId) {
        return fail();
    }

    @Override
    public void put(CacheEntry entry, Duration ttl) {
        fail();
    }

    @Override
    public boolean remove(String tenant, String entryId) {
        return fail();
    }

    @Override
    public boolean extend(String tenant, String entryId, long expiresAtMillis) {
        return fail();
    }

    @Override
    public long clearTenant(String tenant) {
        return fail();
    }

    @Override
    public long clearScope(String tenant, String scopeKey) {
        return fail();
    }

    @Override
    public List<CacheEntry> list(String tenant, int limit) {
        return fail();
    }

    @Override
    public List<String> tenants() {
        return fail();
    }

    @Override
    public StoreStats stats(String tenant) {
        return fail();
    }

    @Override
    public void recordCanonicalTurn(String tenant, String turnKey, String canonicalQuestion, Duration ttl) {
        fail();
    }

    @Override
    public List<String> canonicalTurns(String tenant, List<String> turnKeys) {
        return fail();
    }

    @Override
    public void recordNearMiss(String tenant, String question, String cachedQuestion) {
        fail();
    }

    @Override
    public boolean isNearMiss(String tenant, String question, String cachedQuestion) {
        return fail();
    }

    @Override
    public List<io.promptcache.store.NearMiss> nearMisses(String tenant, int limit) {
        return fail();
    }

    @Override
    public io.promptcache.store.EntryPage page(String tenant, String cursor, int pageSize) {
        return fail();
    }

    @Override
    public void addRemovalListener(RemovalListener listener) {
        // a store that is down at start still accepts listeners
    }
}
