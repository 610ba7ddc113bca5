package io.promptcache.redis;

import io.promptcache.store.CacheEntry;
import io.promptcache.store.RemovalCause;
import io.promptcache.store.StoreStats;
import io.promptcache.store.StoredResponse;
import io.promptcache.testing.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The entry store against a real Redis. */
class RedisCacheStoreTest {

    final String prefix = TestRedis.prefix();
    final UnifiedJedis jedis = TestRedis.config(prefix).connect();
    final RedisKeys keys = new RedisKeys(prefix);

    final List<RedisCacheStore> stores = new ArrayList<>();

    @AfterEach
    void clean() {
        stores.forEach(RedisCacheStore::close);
        TestRedis.clean(jedis, prefix);
        jedis.close();
    }

    RedisCacheStore store(int max) {
        RedisCacheStore store = RedisCacheStore.builder().client(jedis).keyPrefix(prefix).maxEntriesPerTenant(max).build();
        stores.add(store);
        return store;
    }

    static CacheEntry entry(String tenant, String id, String question, float[] vector) {
        return new CacheEntry(id, tenant, "scope-" + tenant, question,
                new StoredResponse("answer " + id, "thinking", "STOP", 10, 20, 30, "deepseek-chat", "resp-" + id, List.of()),
                vector, 1000, 1000, 0, 0);
    }

    @Test
    void anEntryIsOneHashWithItsAnswerVectorScopeAndMetadata() {
        RedisCacheStore store = store(100);
        float[] vector = {0.5f, -1.25f, 3.0f};
        store.put(entry("acme", "e1", "什么是大模型？", vector), Duration.ofMinutes(5));
        String key = keys.entry(RedisKeys.tenantTag("acme"), "e1");
        assertEquals("hash", jedis.type(key));
        byte[] v = jedis.hget(key.getBytes(), "v".getBytes());
        assertEquals(12, v.length, "binary float32, never a string");
        assertArrayEquals(vector, Vectors.fromBytes(v));
        assertEquals(-1.25f, java.nio.ByteBuffer.wrap(v).order(java.nio.ByteOrder.LITTLE_ENDIAN).getFloat(4));
        assertEquals("什么是大模型？", jedis.hget(key, "q"));
        assertTrue(jedis.hget(key, "a").contains("\"text\":\"answer e1\""));
        assertEquals("scope-acme", jedis.hget(key, "s"));
        for (String field : List.of("c", "la", "h", "x")) {
            assertTrue(jedis.hexists(key, field), field);
        }
        CacheEntry read = store.peek("acme", "e1").orElseThrow();
        assertEquals("answer e1", read.response().text());
        assertEquals("thinking", read.response().thinking());
        assertEquals(20, read.response().outputTokens());
    }

    @Test
    void aHotEntrysAnswerIsReusedOnlyWhileItsBytesAreTheSame() {
        RedisCacheStore store = store(100);
        store.put(entry("acme", "e1", "什么是大模型？", null), Duration.ofMinutes(5));
        StoredResponse first = store.hit("acme", "e1").orElseThrow().response();
        assertSame(first, store.hit("acme", "e1").orElseThrow().response(), "the same bytes are not parsed again");
        // Another instance refreshes the entry: the next hit reads and serves the new answer.
        jedis.hset(keys.entry(RedisKeys.tenantTag("acme"), "e1"), "a", jedis.hget(keys.entry(RedisKeys.tenantTag("acme"), "e1"), "a")
                .replace("answer e1", "a newer answer"));
        assertEquals("a newer answer", store.hit("acme", "e1").orElseThrow().response().text());
        // The same entry id of another tenant is another entry.
        store.put(new CacheEntry("e1", "globex", "scope-globex", "什么是大模型？",
                new StoredResponse("globex's answer", null, "STOP", 1, 1, 2, "m", "r", List.of()), null, 1000, 1000, 0, 0),
                Duration.ofMinutes(5));
        assertEquals("globex's answer", store.hit("globex", "e1").orElseThrow().response().text());
        // Corrupt bytes are never served from memory.
        jedis.hset(keys.entry(RedisKeys.tenantTag("acme"), "e1"), "a", "{not json");
        assertTrue(store.hit("acme", "e1").isEmpty());
    }

    @Test
    void aHitCountsAndRefreshesLastAccessAtomically() throws Exception {
        RedisCacheStore store = store(100);
        store.put(entry("acme", "e1", "q", null), Duration.ofMinutes(5));
        long before = store.peek("acme", "e1").orElseThrow().lastAccessAt();
        Thread.sleep(5);
        CacheEntry hit = store.hit("acme", "e1").orElseThrow();
        assertEquals(1, hit.hitCount());
        assertTrue(hit.lastAccessAt() > before);
        store.hit("acme", "e1");
        assertEquals(2, store.peek("acme", "e1").orElseThrow().hitCount());
        assertEquals(2, store.stats("acme").hits());
        assertFalse(store.hit("acme", "missing").isPresent());
    }

    @Test
    void everyKeyHasATtl() {
        RedisCacheStore store = store(100);
        store.put(entry("acme", "e1", "q", new float[]{1, 2}), Duration.ofMinutes(5));
        String tag = RedisKeys.tenantTag("acme");
        for (String key : List.of(keys.entry(tag, "e1"), keys.lru(tag), keys.exp(tag), keys.tenants())) {
            long ttl = jedis.pttl(key);
            assertTrue(ttl > 0 && ttl <= 300_000, key + " ttl " + ttl);
        }
    }

    @Test
    void expiredEntriesAreGoneAndLeaveTheLruIndex() throws Exception {
        RedisCacheStore store = store(2);
        store.put(entry("acme", "old", "q", null), Duration.ofMillis(100));
        Thread.sleep(250);
        assertFalse(store.hit("acme", "old").isPresent());
        store.put(entry("acme", "e1", "q", null), Duration.ofMinutes(5));
        store.put(entry("acme", "e2", "q", null), Duration.ofMinutes(5));
        assertEquals(2, store.stats("acme").entries(), "the expired entry did not count against the maximum");
        assertTrue(store.peek("acme", "e1").isPresent());
    }

    @Test
    void leastRecentlyUsedEntriesAreEvictedPerTenant() {
        RedisCacheStore store = store(3);
        List<String> evicted = new ArrayList<>();
        store.addRemovalListener((tenant, id, cause) -> {
            if (cause == RemovalCause.EVICTED) {
                evicted.add(tenant + "/" + id);
            }
        });
        for (String id : List.of("e1", "e2", "e3")) {
            store.put(entry("acme", id, "q", null), Duration.ofMinutes(5));
            sleep(3);
        }
        store.hit("acme", "e1"); // e2 is now the least recently used
        sleep(3);
        store.put(entry("acme", "e4", "q", null), Duration.ofMinutes(5));
        store.put(entry("other", "x1", "q", null), Duration.ofMinutes(5));
        assertEquals(List.of("acme/e2"), evicted);
        assertEquals(3, jedis.zcard(keys.lru(RedisKeys.tenantTag("acme"))));
        assertFalse(jedis.exists(keys.entry(RedisKeys.tenantTag("acme"), "e2")));
        assertEquals(Set.of("e1", "e3", "e4"), Set.copyOf(store.list("acme", 10).stream().map(CacheEntry::id).toList()));
        assertEquals(1, store.stats("other").entries());
    }

    @Test
    void clearByTenantAndByScopeAndStats() {
        RedisCacheStore store = store(100);
        store.put(entry("a", "1", "q", null), Duration.ofMinutes(5));
        store.put(entry("a", "2", "q", null), Duration.ofMinutes(5));
        CacheEntry other = entry("a", "3", "q", null);
        store.put(new CacheEntry("3", "a", "another-scope", "q", other.response(), null, 0, 0, 0, 0), Duration.ofMinutes(5));
        store.put(entry("b", "1", "q", null), Duration.ofMinutes(5));
        assertEquals(List.of("a", "b"), store.tenants());
        StoreStats stats = store.stats("a");
        assertEquals(3, stats.entries());
        assertTrue(stats.memoryBytes() > 0);
        assertEquals(1, store.clearScope("a", "another-scope"));
        assertEquals(2, store.clearTenant("a"));
        assertEquals(List.of("b"), store.tenants());
        assertTrue(store.peek("b", "1").isPresent());
    }

    @Test
    void hostileTenantIdsStayInTheirOwnNamespace() {
        RedisCacheStore store = store(100);
        List<String> tenants = List.of("a", "a*", "a}:e:{x", "a b\"c'{}|@", "租户\n😀", "*", "");
        for (String t : tenants) {
            if (!t.isEmpty()) {
                store.put(entry(t, "same-id", "q " + t, null), Duration.ofMinutes(5));
            }
        }
        for (String t : tenants) {
            if (!t.isEmpty()) {
                assertEquals("q " + t, store.peek(t, "same-id").orElseThrow().question());
            }
        }
        store.clearTenant("*");
        assertTrue(store.peek("a", "same-id").isPresent(), "clearing '*' touched only '*'");
        assertTrue(store.peek("a*", "same-id").isPresent());
    }

    @Test
    void aMegabyteQuestionIsStoredAndRead() {
        RedisCacheStore store = store(100);
        String big = "大".repeat(1 << 20);
        store.put(entry("acme", "big", big, null), Duration.ofMinutes(5));
        assertEquals(big, store.hit("acme", "big").orElseThrow().question());
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
