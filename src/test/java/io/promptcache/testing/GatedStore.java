package io.promptcache.testing;

import io.promptcache.store.CacheEntry;
import io.promptcache.store.CacheStore;
import io.promptcache.store.EntryPage;
import io.promptcache.store.NearMiss;
import io.promptcache.store.StoreStats;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real store with a gate on its first exact read: the read runs, then holds its (miss) result until the
 * test opens the gate. That puts a call's lookup before, and its flight after, another call's whole life:
 * the race of a burst, made to happen every time.
 */
public final class GatedStore implements CacheStore {

    private final CacheStore delegate;
    private final AtomicBoolean gated = new AtomicBoolean(true);
    /** Counted down once the gated read has run (its result is held). */
    public final CountDownLatch firstReadDone = new CountDownLatch(1);
    /** The test counts it down to let the held read return. */
    public final CountDownLatch release = new CountDownLatch(1);

    public GatedStore(CacheStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public ExactRead hitWithTurns(String tenant, String entryId, List<String> turnKeys) {
        ExactRead read = delegate.hitWithTurns(tenant, entryId, turnKeys);
        if (gated.compareAndSet(true, false)) {
            firstReadDone.countDown();
            try {
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never opened the gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return read;
    }

    @Override
    public Optional<CacheEntry> hit(String tenant, String entryId) {
        return delegate.hit(tenant, entryId);
    }

    @Override
    public Optional<CacheEntry> peek(String tenant, String entryId) {
        return delegate.peek(tenant, entryId);
    }

    @Override
    public void put(CacheEntry entry, Duration ttl) {
        delegate.put(entry, ttl);
    }

    @Override
    public boolean remove(String tenant, String entryId) {
        return delegate.remove(tenant, entryId);
    }

    @Override
    public boolean extend(String tenant, String entryId, long expiresAtMillis) {
        return delegate.extend(tenant, entryId, expiresAtMillis);
    }

    @Override
    public long clearTenant(String tenant) {
        return delegate.clearTenant(tenant);
    }

    @Override
    public long clearScope(String tenant, String scopeKey) {
        return delegate.clearScope(tenant, scopeKey);
    }

    @Override
    public List<CacheEntry> list(String tenant, int limit) {
        return delegate.list(tenant, limit);
    }

    @Override
    public EntryPage page(String tenant, String cursor, int pageSize) {
        return delegate.page(tenant, cursor, pageSize);
    }

    @Override
    public List<String> tenants() {
        return delegate.tenants();
    }

    @Override
    public StoreStats stats(String tenant) {
        return delegate.stats(tenant);
    }

    @Override
    public void recordNearMiss(String tenant, String question, String cachedQuestion) {
        delegate.recordNearMiss(tenant, question, cachedQuestion);
    }

    @Override
    public boolean isNearMiss(String tenant, String question, String cachedQuestion) {
        return delegate.isNearMiss(tenant, question, cachedQuestion);
    }

    @Override
    public CandidateRead readCandidate(String tenant, String entryId, String question, String cachedQuestion) {
        return delegate.readCandidate(tenant, entryId, question, cachedQuestion);
    }

    @Override
    public void recordCanonicalTurn(String tenant, String turnKey, String canonicalQuestion, Duration ttl) {
        delegate.recordCanonicalTurn(tenant, turnKey, canonicalQuestion, ttl);
    }

    @Override
    public List<String> canonicalTurns(String tenant, List<String> turnKeys) {
        return delegate.canonicalTurns(tenant, turnKeys);
    }

    @Override
    public List<NearMiss> nearMisses(String tenant, int limit) {
        return delegate.nearMisses(tenant, limit);
    }

    @Override
    public void addRemovalListener(RemovalListener listener) {
        delegate.addRemovalListener(listener);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
