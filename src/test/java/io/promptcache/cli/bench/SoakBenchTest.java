package io.promptcache.cli.bench;

import io.promptcache.redis.RedisCacheStore;
import io.promptcache.store.CacheEntry;
import io.promptcache.store.StoredResponse;
import io.promptcache.testing.Commands;
import io.promptcache.testing.TestRedis;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench soak} on a real Redis leaves no key behind, and refuses to clear a prefix that holds another cache. */
class SoakBenchTest {

    @Test
    void aSoakLeavesNoKeyUnderItsPrefix() {
        String prefix = TestRedis.prefix();
        Commands.Run run = Commands.run(new SoakBench(), "--store", TestRedis.url(), "--key-prefix", prefix, "--minutes", "0.02",
                "--threads", "2", "--max-entries", "50", "--sim-ttft-ms", "0", "--json");
        assertEquals(0, run.code(), run.out());
        assertEquals(0, TestRedis.keysUnder(prefix), "keys left under " + prefix);
    }

    @Test
    void aPrefixThatHoldsAnotherCacheIsRefusedAndKept() throws Exception {
        String prefix = TestRedis.prefix();
        try (RedisCacheStore cache = RedisCacheStore.builder().config(TestRedis.config(prefix)).build()) {
            cache.put(new CacheEntry("e1", "acme", "scope", "问题",
                    new StoredResponse("答案", null, "STOP", 10, 5, 15, "deepseek-chat", "r", List.of()), null, 0, 0, 0, 0),
                    Duration.ofHours(1));
            long before = TestRedis.keysUnder(prefix);
            Commands.Run run = Commands.run(new SoakBench(), "--store", TestRedis.url(), "--key-prefix", prefix, "--minutes", "0.02");
            assertEquals(2, run.code());
            assertTrue(run.out().contains("holds another cache (tenants acme)"), run.out());
            assertEquals(before, TestRedis.keysUnder(prefix));
            assertEquals(1, cache.stats("acme").entries());
        } finally {
            try (var jedis = TestRedis.config(prefix).connect()) {
                TestRedis.clean(jedis, prefix);
            }
        }
    }
}
