package io.promptcache.redis;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.promptcache.CacheScope;
import io.promptcache.CacheSource;
import io.promptcache.CachingChatModel;
import io.promptcache.embedding.EmbeddingModels;
import io.promptcache.testing.RedisProcess;
import io.promptcache.testing.SimulatedDeepSeek;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A 3-master Redis Cluster on free local ports, started and stopped by this test. */
class RedisClusterTest {

    static final List<RedisProcess> NODES = new ArrayList<>();
    static String url;

    @BeforeAll
    static void startCluster() throws Exception {
        for (int i = 0; i < 3; i++) {
            NODES.add(RedisProcess.start("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", "2000", "--appendonly", "no"));
        }
        int[][] ranges = {{0, 5460}, {5461, 10922}, {10923, 16383}};
        for (int i = 0; i < 3; i++) {
            try (Jedis node = new Jedis("127.0.0.1", NODES.get(i).port)) {
                node.clusterAddSlots(IntStream.rangeClosed(ranges[i][0], ranges[i][1]).toArray());
            }
        }
        try (Jedis first = new Jedis("127.0.0.1", NODES.get(0).port)) {
            for (int i = 1; i < 3; i++) {
                first.clusterMeet("127.0.0.1", NODES.get(i).port);
            }
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        for (RedisProcess n : NODES) {
            try (Jedis node = new Jedis("127.0.0.1", n.port)) {
                while (!node.clusterInfo().contains("cluster_state:ok") || node.clusterNodes().lines().count() < 3) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("cluster did not form: " + node.clusterInfo());
                    }
                    Thread.sleep(100);
                }
            }
        }
        url = "redis-cluster://" + String.join(",", NODES.stream().map(n -> "127.0.0.1:" + n.port).toList());
    }

    @AfterAll
    static void stopCluster() {
        NODES.forEach(RedisProcess::stop);
    }

    static ChatRequest ask(String q) {
        return ChatRequest.builder().messages(SystemMessage.from("你是助手。"), UserMessage.from(q)).build();
    }

    static CacheSource source(CachingChatModel model, String tenant, String q) {
        try (CacheScope scope = CacheScope.open(tenant)) {
            model.chat(ask(q));
            return scope.lastOutcome().orElseThrow().source();
        }
    }

    @Test
    void theCacheWorksAcrossSlotsAndNodes() throws Exception {
        RedisConfig config = RedisConfig.builder().url(url).keyPrefix("pccluster").build();
        try (SimulatedDeepSeek deepSeek = new SimulatedDeepSeek();
             RedisCache redis = RedisCache.builder().config(config).dimension(512).maxEntriesPerTenant(2).build()) {
            assertInstanceOf(JedisCluster.class, redis.client());
            CachingChatModel model = CachingChatModel.builder().delegate(deepSeek.chatModel())
                    .embeddingModel(EmbeddingModels.inProcess())
                    .cacheStore(redis.cacheStore()).embeddingStore(redis.embeddingStore())
                    .lookupTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10)).build();

            // Tenants whose keys land on different nodes.
            List<String> tenants = List.of("alpha", "beta", "gamma", "delta", "epsilon", "zeta");
            Set<Integer> nodes = new HashSet<>();
            for (String t : tenants) {
                int slot = JedisClusterCRC16.getSlot(redis.cacheStore().keys().lru(RedisKeys.tenantTag(t)));
                nodes.add(slot <= 5460 ? 0 : slot <= 10922 ? 1 : 2);
                assertEquals(CacheSource.LLM, source(model, t, "什么是大模型？"));
                assertEquals(CacheSource.EXACT, source(model, t, "什么是大模型？"));
                assertEquals(CacheSource.SEMANTIC, source(model, t, "大模型是什么？"));
            }
            assertTrue(nodes.size() >= 2, "the tenants spread over nodes: " + nodes);

            // Per-tenant LRU in one slot per tenant.
            source(model, "alpha", "如何开通会员");
            source(model, "alpha", "今天天气怎么样");
            assertEquals(2, redis.cacheStore().stats("alpha").entries());

            // A second client loads every node's vectors with SCAN.
            try (RedisCache other = RedisCache.builder().config(config).dimension(512).maxEntriesPerTenant(2).build()) {
                assertEquals(redis.embeddingStore().localSize(), other.embeddingStore().localSize());
            }
            assertEquals(tenants.size() + 2, deepSeek.calls());
            cleanUp(redis.client(), tenants, redis);
        }
    }

    /** Erasure on a cluster: the tenant's keys are one slot's; every node is scanned afterwards. */
    @Test
    void erasureLeavesNothingOnAnyNode() throws Exception {
        String prefix = "pcerase";
        RedisConfig config = RedisConfig.builder().url(url).keyPrefix(prefix).build();
        try (SimulatedDeepSeek deepSeek = new SimulatedDeepSeek();
             RedisCache redis = RedisCache.builder().config(config).ttl(Duration.ofMinutes(10)).build()) {
            CachingChatModel model = CachingChatModel.builder().delegate(deepSeek.chatModel())
                    .cacheStore(redis.cacheStore()).embeddingStores(redis::embeddingStore)
                    .lookupTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10)).build();
            io.promptcache.TenantErasure.writeEverything(model, () -> io.promptcache.TenantErasureTest.awaitSearchable(redis));
            boolean before = false;
            for (RedisProcess node : NODES) {
                try (UnifiedJedis j = new UnifiedJedis(new redis.clients.jedis.HostAndPort("127.0.0.1", node.port))) {
                    try {
                        io.promptcache.TenantErasure.scanForLeftovers(j, prefix, true);
                        before = true;
                    } catch (AssertionError nothingOnThisNode) {
                        // the tenant's slot lives on another node
                    }
                }
            }
            assertTrue(before, "one node holds the tenant's keys before the erasure");

            assertTrue(redis.cacheStore().clearTenant(io.promptcache.TenantErasure.VICTIM) >= 2);

            for (RedisProcess node : NODES) {
                try (UnifiedJedis j = new UnifiedJedis(new redis.clients.jedis.HostAndPort("127.0.0.1", node.port))) {
                    io.promptcache.TenantErasure.scanForLeftovers(j, prefix, false);
                }
            }
            io.promptcache.TenantErasure.checkAfterErasure(model, redis.cacheStore());
            for (String t : List.of(io.promptcache.TenantErasure.VICTIM, io.promptcache.TenantErasure.SURVIVOR)) {
                redis.cacheStore().clearTenant(t);
            }
            for (String key : List.of(":tenants", ":events", ":meta", ":events:en", ":meta:en")) {
                redis.client().del(prefix + key); // one slot each
            }
        }
    }

    private static void cleanUp(UnifiedJedis jedis, List<String> tenants, RedisCache redis) {
        for (String t : tenants) {
            redis.cacheStore().clearTenant(t);
        }
        jedis.del("pccluster:tenants");
        jedis.del("pccluster:events");
        jedis.del("pccluster:meta");
    }
}
