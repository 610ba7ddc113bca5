package io.promptcache.store;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A store in the JVM's heap: one access-ordered map per tenant, so the eldest entry is the least
 * recently used. Expired entries are dropped when read and swept periodically on writes.
 */
public final class InMemoryCacheStore implements CacheStore {

    /** Default bound per tenant. */
    public static final int DEFAULT_MAX_ENTRIES_PER_TENANT = 10_000;

    private static final int SWEEP_EVERY_PUTS = 64;

    private final int maxEntriesPerTenant;
    private final Clock clock;
    private final Map<String, TenantEntries> tenants = new ConcurrentHashMap<>();
    private final List<RemovalListener> listeners = new CopyOnWriteArrayList<>();
    private final io.promptcache.calibration.CalibrationStore calibration = io.promptcache.calibration.CalibrationStore.inMemory();
    private final Map<String, Map<String, NearMiss>> nearMisses = new ConcurrentHashMap<>();
    private final Map<String, Map<String, CanonicalTurn>> turns = new ConcurrentHashMap<>();

    private InMemoryCacheStore(Builder builder) {
        this.maxEntriesPerTenant = builder.maxEntriesPerTenant;
        this.clock = builder.clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Optional<CacheEntry> hit(String tenant, String entryId) {
        return read(tenant, entryId, true);
    }

    @Override
    public boolean inProcess() {
        return true;
    }

    @Override
    public Optional<CacheEntry> peek(String tenant, String entryId) {
        return read(tenant, entryId, false);
    }

    private Optional<CacheEntry> read(String tenant, String entryId, boolean countHit) {
        TenantEntries t = tenants.get(tenant);
        if (t == null) {
            return Optional.empty();
        }
        long now = clock.millis();
        CacheEntry result;
        boolean expired = false;
        synchronized (t) {
            CacheEntry e = t.map.get(entryId);
            if (e == null) {
                return Optional.empty();
            }
            if (e.expiredAt(now)) {
                t.map.remove(entryId);
                expired = true;
                result = null;
            } else if (countHit) {
                result = e.touched(now);
                t.map.put(entryId, result);
            } else {
                result = e;
            }
        }
        if (expired) {
            notifyRemoval(tenant, entryId, RemovalCause.EXPIRED);
        }
        return Optional.ofNullable(result);
    }

    @Override
    public void put(CacheEntry entry, Duration ttl) {
        long now = clock.millis();
        long expiresAt = ttl == null || ttl.isZero() || ttl.isNegative() ? 0 : now + ttl.toMillis();
        CacheEntry stored = new CacheEntry(entry.id(), entry.tenant(), entry.scopeKey(), entry.question(),
                entry.response(), entry.embedding(), entry.createdAt(), entry.lastAccessAt(), entry.hitCount(), expiresAt);
        TenantEntries t = tenants.computeIfAbsent(entry.tenant(), k -> new TenantEntries());
        List<String> expired = new ArrayList<>();
        List<String> evicted = new ArrayList<>();
        synchronized (t) {
            t.map.put(stored.id(), stored);
            if (++t.putsSinceSweep >= SWEEP_EVERY_PUTS || t.map.size() > maxEntriesPerTenant) {
                t.putsSinceSweep = 0;
                for (Iterator<CacheEntry> it = t.map.values().iterator(); it.hasNext(); ) {
                    CacheEntry e = it.next();
                    if (e.expiredAt(now)) {
                        it.remove();
                        expired.add(e.id());
                    }
                }
            }
            Iterator<String> eldest = t.map.keySet().iterator();
            while (t.map.size() > maxEntriesPerTenant && eldest.hasNext()) {
                evicted.add(eldest.next());
                eldest.remove();
            }
        }
        expired.forEach(id -> notifyRemoval(entry.tenant(), id, RemovalCause.EXPIRED));
        evicted.forEach(id -> notifyRemoval(entry.tenant(), id, RemovalCause.EVICTED));
    }

    @Override
    public boolean extend(String tenant, String entryId, long expiresAtMillis) {
        TenantEntries t = tenants.get(tenant);
        if (t == null) {
            return false;
        }
        long now = clock.millis();
        synchronized (t) {
            CacheEntry e = t.map.get(entryId);
            if (e == null || e.expiredAt(now)) {
                return false;
            }
            // put() on an access-ordered map would count as a use; replace in place instead.
            t.map.replace(entryId, new CacheEntry(e.id(), e.tenant(), e.scopeKey(), e.question(), e.response(), e.embedding(),
                    e.createdAt(), e.lastAccessAt(), e.hitCount(), expiresAtMillis));
            return true;
        }
    }

    @Override
    public EntryPage page(String tenant, String cursor, int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1, was " + pageSize);
        }
        int offset;
        try {
            offset = cursor == null ? 0 : Integer.parseInt(cursor);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a cursor of this store: " + cursor);
        }
        TenantEntries t = tenants.get(tenant);
        if (t == null) {
            return new EntryPage(List.of(), null);
        }
        long now = clock.millis();
        List<CacheEntry> out = new ArrayList<>();
        int seen = 0;
        boolean more;
        synchronized (t) {
            Iterator<CacheEntry> it = t.map.values().iterator(); // iteration does not reorder an access-ordered map
            while (it.hasNext() && seen < offset) {
                it.next();
                seen++;
            }
            while (it.hasNext() && out.size() < pageSize) {
                CacheEntry e = it.next();
                seen++;
                if (!e.expiredAt(now)) {
                    out.add(e);
                }
            }
            more = it.hasNext();
        }
        return new EntryPage(out, more ? Integer.toString(seen) : null);
    }

    @Override
    public void recordCanonicalTurn(String tenant, String turnKey, String canonicalQuestion, Duration ttl) {
        recordCanonicalTurn(tenant, turnKey, canonicalQuestion, null, ttl);
    }

    /** Recorded only while the entry exists; removed with it. */
    @Override
    public void recordCanonicalTurn(String tenant, String turnKey, String canonicalQuestion, String entryId, Duration ttl) {
        if (entryId != null) {
            TenantEntries entries = tenants.get(tenant);
            if (entries == null) {
                return;
            }
            synchronized (entries) {
                if (!entries.map.containsKey(entryId)) {
                    return; // the entry went meanwhile: nothing may name it
                }
            }
        }
        long expiresAt = ttl == null || ttl.isZero() || ttl.isNegative() ? 0 : clock.millis() + ttl.toMillis();
        Map<String, CanonicalTurn> t = turns.computeIfAbsent(tenant, k -> java.util.Collections.synchronizedMap(
                new LinkedHashMap<>(16, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, CanonicalTurn> eldest) {
                        return size() > maxEntriesPerTenant; // they matter only while entries do
                    }
                }));
        t.put(turnKey, new CanonicalTurn(canonicalQuestion, entryId, expiresAt));
    }

    @Override
    public List<String> canonicalTurns(String tenant, List<String> turnKeys) {
        Map<String, CanonicalTurn> t = turns.getOrDefault(tenant, Map.of());
        long now = clock.millis();
        List<String> out = new ArrayList<>(turnKeys.size());
        for (String key : turnKeys) {
            CanonicalTurn c = t.get(key);
            out.add(c == null || (c.expiresAt() > 0 && now >= c.expiresAt()) ? null : c.question());
        }
        return out;
    }

    private record CanonicalTurn(String question, String entryId, long expiresAt) {
    }

    @Override
    public void recordNearMiss(String tenant, String question, String cachedQuestion) {
        nearMisses.computeIfAbsent(tenant, k -> new ConcurrentHashMap<>())
                .put(NearMiss.pairKey(question, cachedQuestion), new NearMiss(question, cachedQuestion, clock.millis()));
    }

    @Override
    public boolean isNearMiss(String tenant, String question, String cachedQuestion) {
        Map<String, NearMiss> t = nearMisses.get(tenant);
        return t != null && t.containsKey(NearMiss.pairKey(question, cachedQuestion));
    }

    @Override
    public List<NearMiss> nearMisses(String tenant, int limit) {
        Map<String, NearMiss> t = nearMisses.getOrDefault(tenant, Map.of());
        return t.values().stream().sorted(java.util.Comparator.comparingLong(NearMiss::reportedAt)).limit(limit).toList();
    }

    @Override
    public boolean remove(String tenant, String entryId) {
        TenantEntries t = tenants.get(tenant);
        if (t == null) {
            return false;
        }
        boolean removed;
        synchronized (t) {
            removed = t.map.remove(entryId) != null;
        }
        if (removed) {
            notifyRemoval(tenant, entryId, RemovalCause.EXPLICIT);
        }
        return removed;
    }

    @Override
    public long clearTenant(String tenant) {
        TenantEntries t = tenants.remove(tenant);
        List<String> ids = new ArrayList<>();
        if (t != null) {
            synchronized (t) {
                ids.addAll(t.map.keySet());
                t.map.clear();
            }
        }
        turns.remove(tenant);
        nearMisses.remove(tenant);
        ids.forEach(id -> notifyRemoval(tenant, id, RemovalCause.EXPLICIT));
        for (RemovalListener l : listeners) {
            l.onTenantCleared(tenant);
        }
        return ids.size();
    }

    @Override
    public long clearScope(String tenant, String scopeKey) {
        TenantEntries t = tenants.get(tenant);
        if (t == null) {
            return 0;
        }
        List<String> ids = new ArrayList<>();
        synchronized (t) {
            for (Iterator<CacheEntry> it = t.map.values().iterator(); it.hasNext(); ) {
                CacheEntry e = it.next();
                if (e.scopeKey().equals(scopeKey)) {
                    it.remove();
                    ids.add(e.id());
                }
            }
        }
        ids.forEach(id -> notifyRemoval(tenant, id, RemovalCause.EXPLICIT));
        return ids.size();
    }

    @Override
    public List<CacheEntry> list(String tenant, int limit) {
        TenantEntries t = tenants.get(tenant);
        if (t == null) {
            return List.of();
        }
        long now = clock.millis();
        List<CacheEntry> out = new ArrayList<>();
        synchronized (t) {
            for (CacheEntry e : t.map.values()) {
                if (out.size() >= limit) {
                    break;
                }
                if (!e.expiredAt(now)) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    @Override
    public List<String> tenants() {
        List<String> out = new ArrayList<>();
        tenants.forEach((tenant, t) -> {
            synchronized (t) {
                if (!t.map.isEmpty()) {
                    out.add(tenant);
                }
            }
        });
        out.sort(null);
        return out;
    }

    @Override
    public StoreStats stats(String tenant) {
        TenantEntries t = tenants.get(tenant);
        if (t == null) {
            return new StoreStats(tenant, 0, 0, 0);
        }
        long now = clock.millis();
        long entries = 0;
        long hits = 0;
        long bytes = 0;
        synchronized (t) {
            for (CacheEntry e : t.map.values()) {
                if (e.expiredAt(now)) {
                    continue;
                }
                entries++;
                hits += e.hitCount();
                // Rough heap estimate: UTF-16 strings plus the float vector plus object overhead.
                bytes += 2L * (e.response().textLength() + (e.question() == null ? 0 : e.question().length()))
                        + (e.embedding() == null ? 0 : 4L * e.embedding().length) + 256;
            }
        }
        return new StoreStats(tenant, entries, hits, bytes);
    }

    @Override
    public void addRemovalListener(RemovalListener listener) {
        listeners.add(listener);
    }

    private void notifyRemoval(String tenant, String id, RemovalCause cause) {
        // What refers to the entry goes with it: the canonical turns that name its question.
        Map<String, CanonicalTurn> t = turns.get(tenant);
        if (t != null) {
            synchronized (t) {
                t.values().removeIf(c -> id.equals(c.entryId()));
            }
        }
        for (RemovalListener l : listeners) {
            l.onRemoval(tenant, id, cause);
        }
    }

    private static final class TenantEntries {
        final LinkedHashMap<String, CacheEntry> map = new LinkedHashMap<>(16, 0.75f, true);
        int putsSinceSweep;
    }

    /** Builder for {@link InMemoryCacheStore}. */
    public static final class Builder {
        private int maxEntriesPerTenant = DEFAULT_MAX_ENTRIES_PER_TENANT;
        private Clock clock = Clock.systemUTC();

        public Builder maxEntriesPerTenant(int maxEntriesPerTenant) {
            if (maxEntriesPerTenant < 1) {
                throw new IllegalArgumentException("maxEntriesPerTenant must be at least 1, was " + maxEntriesPerTenant);
            }
            this.maxEntriesPerTenant = maxEntriesPerTenant;
            return this;
        }

        /** The clock TTLs are measured with; tests pass a movable one. */
        public Builder clock(Clock clock) {
            this.clock = java.util.Objects.requireNonNull(clock, "clock");
            return this;
        }

        public InMemoryCacheStore build() {
            return new InMemoryCacheStore(this);
        }
    }

    @Override
    public io.promptcache.calibration.CalibrationStore calibrationStore() {
        return calibration;
    }
}
