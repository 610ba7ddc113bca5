package io.promptcache.redis;

import io.promptcache.store.CacheEntry;
import io.promptcache.store.StoredResponse;
import io.promptcache.testing.RedisProcess;
import io.promptcache.testing.TestRedis;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hits that arrive together share a round trip ({@link ReadBatcher}): each caller still gets its own entry,
 * a reply that is an error fails only its own hit, and a burst uses a couple of connections, not one each.
 */
class ConcurrentHitsTest {

    static CacheEntry entry(String tenant, String id) {
        return new CacheEntry(id, tenant, "scope", "question " + id,
                new StoredResponse("answer " + tenant + " " + id, null, "STOP", 1, 2, 3, "deepseek-chat", "r-" + id, List.of()),
                null, 1000, 1000, 0, 0);
    }

    @Test
    void sixteenThreadsHittingAtRandomEachGetTheEntryTheyAskedFor() throws Exception {
        String prefix = TestRedis.prefix();
        UnifiedJedis jedis = TestRedis.config(prefix).connect();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try (RedisCacheStore store = RedisCacheStore.builder().client(jedis).keyPrefix(prefix).maxEntriesPerTenant(1000).build()) {
            List<String> tenants = List.of("acme", "globex");
            for (String tenant : tenants) {
                for (int i = 0; i < 200; i++) {
                    store.put(entry(tenant, "e" + i), Duration.ofMinutes(5));
                }
            }
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int seed = t;
                done.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    go.await();
                    int checked = 0;
                    for (int n = 0; n < 2000; n++) {
                        String tenant = tenants.get(random.nextInt(2));
                        int i = random.nextInt(250); // a fifth of them are not there
                        Optional<CacheEntry> hit = store.hit(tenant, "e" + i);
                        if (i >= 200) {
                            assertTrue(hit.isEmpty(), "e" + i + " was never stored");
                            continue;
                        }
                        CacheEntry e = hit.orElseThrow(() -> new AssertionError(tenant + " e" + i + " missing"));
                        assertEquals("answer " + tenant + " e" + i, e.response().text());
                        assertEquals(tenant, e.tenant());
                        checked++;
                    }
                    return checked;
                }));
            }
            go.countDown();
            int checked = 0;
            for (Future<Integer> f : done) {
                checked += f.get(2, TimeUnit.MINUTES);
            }
            assertTrue(checked > 16 * 2000 / 2, "most hits were checked: " + checked);
        } finally {
            pool.shutdownNow();
            TestRedis.clean(jedis, prefix);
            jedis.close();
        }
    }

    @Test
    void aBurstWhileRedisIsStuckSharesRoundTripsAndAWrongTypeKeyFailsOnlyItsOwnHit() throws Exception {
        try (RedisProcess redis = RedisProcess.start()) {
            UnifiedJedis jedis = RedisConfig.builder().url(redis.url()).poolSize(16)
                    .readTimeout(Duration.ofSeconds(10)).build().connect();
            ExecutorService pool = Executors.newFixedThreadPool(10);
            try (RedisCacheStore store = RedisCacheStore.builder().client(jedis).keyPrefix("burst")
                    .hitFlushInterval(Duration.ofHours(1)).build()) {
                for (int i = 0; i < 9; i++) {
                    store.put(entry("acme", "e" + i), Duration.ofMinutes(5));
                }
                // Not a hash: HMGET on it answers WRONGTYPE.
                jedis.set(store.keys().entry(RedisKeys.tenantTag("acme"), "e9"), "a string");
                int before = redis.clients();

                redis.pause();
                List<Future<Object>> hits = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    String id = "e" + i;
                    Callable<Object> hit = () -> {
                        try {
                            return store.hit("acme", id).map(e -> e.response().text()).orElse("miss");
                        } catch (RuntimeException e) {
                            return e;
                        }
                    };
                    hits.add(pool.submit(hit));
                }
                Thread.sleep(500); // every hit is queued or on the wire by now
                redis.resume();

                for (int i = 0; i < 9; i++) {
                    assertEquals("answer acme e" + i, hits.get(i).get(30, TimeUnit.SECONDS));
                }
                assertInstanceOf(JedisDataException.class, hits.get(9).get(30, TimeUnit.SECONDS), "the wrong-type key's own hit fails");
                // Ten callers at once, one connection each, would have opened nine more: here the first four go alone
                // and the other six share the two round trips that follow.
                int opened = redis.clients() - before;
                assertTrue(opened <= 3 * RedisCacheStore.DEFAULT_HIT_ROUND_TRIPS, "a burst of ten hits opened " + opened + " connections");
            } finally {
                pool.shutdownNow();
                jedis.close();
            }
        }
    }

    @Test
    void everyHitIsCountedWhileFlushesRunUnderneath() throws Exception {
        String prefix = TestRedis.prefix();
        UnifiedJedis jedis = TestRedis.config(prefix).connect();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (RedisCacheStore store = RedisCacheStore.builder().client(jedis).keyPrefix(prefix)
                .hitFlushInterval(Duration.ofMillis(1)).build()) {
            store.put(entry("acme", "hot"), Duration.ofMinutes(5));
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(pool.submit(() -> {
                    go.await();
                    for (int n = 0; n < 3000; n++) {
                        store.hit("acme", "hot").orElseThrow();
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
            // peek writes what is still pending first; a hit merged while a flush took its batch must not be lost
            assertEquals(8 * 3000, store.peek("acme", "hot").orElseThrow().hitCount());
        } finally {
            pool.shutdownNow();
            TestRedis.clean(jedis, prefix);
            jedis.close();
        }
    }

    @Test
    void aRoundTripCountBelowOneIsRefusedByName() {
        for (Runnable build : List.<Runnable>of(() -> RedisCacheStore.builder().hitRoundTrips(0),
                () -> RedisCache.builder().hitRoundTrips(-1))) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, build::run);
            assertTrue(e.getMessage().contains("hitRoundTrips"), e.getMessage());
        }
    }
}
