package io.promptcache.store;

import io.promptcache.testing.MovableClock;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InMemoryCacheStoreTest {

    static CacheEntry entry(String tenant, String id, long now) {
        return new CacheEntry(id, tenant, "scope", "q-" + id,
                new StoredResponse("a-" + id, null, "STOP", 1, 2, 3, "m", "r", List.of()), null, now, now, 0, 0);
    }

    @Test
    void hitsUpdateLastAccessAndHitCount() {
        MovableClock clock = new MovableClock();
        InMemoryCacheStore store = InMemoryCacheStore.builder().clock(clock).build();
        store.put(entry("t", "e1", clock.millis), Duration.ZERO);
        clock.millis += 500;
        CacheEntry hit = store.hit("t", "e1").orElseThrow();
        assertEquals(1, hit.hitCount());
        assertEquals(clock.millis, hit.lastAccessAt());
        assertEquals(1_000_000, hit.createdAt());
        assertEquals(2, store.hit("t", "e1").orElseThrow().hitCount());
        assertEquals(2, store.peek("t", "e1").orElseThrow().hitCount(), "peek does not count");
        assertEquals(2, store.stats("t").hits());
    }

    @Test
    void entriesExpireAfterTheirTtl() {
        MovableClock clock = new MovableClock();
        InMemoryCacheStore store = InMemoryCacheStore.builder().clock(clock).build();
        List<RemovalCause> causes = new ArrayList<>();
        store.addRemovalListener((t, id, c) -> causes.add(c));
        store.put(entry("t", "e1", clock.millis), Duration.ofSeconds(10));
        clock.millis += 9_999;
        assertTrue(store.hit("t", "e1").isPresent());
        clock.millis += 1;
        assertFalse(store.hit("t", "e1").isPresent());
        assertEquals(List.of(RemovalCause.EXPIRED), causes);
    }

    @Test
    void leastRecentlyUsedIsEvictedPerTenant() {
        MovableClock clock = new MovableClock();
        InMemoryCacheStore store = InMemoryCacheStore.builder().clock(clock).maxEntriesPerTenant(2).build();
        List<String> evicted = new ArrayList<>();
        store.addRemovalListener((t, id, c) -> evicted.add(t + "/" + id + "/" + c));
        store.put(entry("t", "e1", 0), null);
        store.put(entry("t", "e2", 0), null);
        store.hit("t", "e1"); // e2 is now the least recently used
        store.put(entry("t", "e3", 0), null);
        store.put(entry("other", "x1", 0), null); // another tenant has its own budget
        assertEquals(List.of("t/e2/EVICTED"), evicted);
        assertTrue(store.peek("t", "e1").isPresent());
        assertTrue(store.peek("t", "e3").isPresent());
        assertEquals(2, store.stats("t").entries());
        assertEquals(1, store.stats("other").entries());
    }

    @Test
    void clearByTenantAndByScope() {
        InMemoryCacheStore store = InMemoryCacheStore.builder().build();
        store.put(entry("a", "1", 0), null);
        store.put(entry("a", "2", 0), null);
        CacheEntry other = entry("a", "3", 0);
        store.put(new CacheEntry("3", "a", "scope-2", "q", other.response(), null, 0, 0, 0, 0), null);
        store.put(entry("b", "1", 0), null);
        assertEquals(1, store.clearScope("a", "scope-2"));
        assertEquals(2, store.clearTenant("a"));
        assertEquals(List.of("b"), store.tenants());
        assertEquals(1, store.list("b", 10).size());
    }

    @Test
    void storedResponseRoundTripsThroughJson() throws Exception {
        StoredResponse r = new StoredResponse("答案", "思考", "STOP", 10, 20, 30, "deepseek-chat", "id-1",
                List.of(new StoredResponse.StoredToolCall("c1", "calc", "{\"x\":1}")));
        String json = io.promptcache.key.CanonicalJson.mapper().writeValueAsString(r);
        StoredResponse back = io.promptcache.key.CanonicalJson.mapper().readValue(json, StoredResponse.class);
        assertEquals(r, back);
        assertEquals(r.toChatResponse(), back.toChatResponse());
    }
}
