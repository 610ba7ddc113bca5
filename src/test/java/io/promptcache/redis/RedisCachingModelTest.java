package io.promptcache.redis;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.promptcache.CacheOutcome;
import io.promptcache.CacheScope;
import io.promptcache.CacheSource;
import io.promptcache.CachingChatModel;
import io.promptcache.embedding.EmbeddingModels;
import io.promptcache.testing.RedisProcess;
import io.promptcache.testing.SimulatedDeepSeek;
import io.promptcache.testing.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CachingChatModel on Redis: shared between instances, failing open, surviving restarts. */
class RedisCachingModelTest {

    final SimulatedDeepSeek deepSeek = new SimulatedDeepSeek();
    final List<AutoCloseable> closeables = new ArrayList<>();
    final String prefix = TestRedis.prefix();

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        deepSeek.close();
    }

    RedisCache redis(String url) {
        RedisCache cache = RedisCache.builder().config(RedisConfig.builder().url(url).keyPrefix(prefix).build())
                .dimension(512).maxEntriesPerTenant(100).ttl(Duration.ofMinutes(10)).build();
        closeables.add(cache);
        return cache;
    }

    CachingChatModel model(RedisCache redis) {
        return CachingChatModel.builder().delegate(deepSeek.chatModel()).embeddingModel(EmbeddingModels.inProcess())
                .cacheStore(redis.cacheStore()).embeddingStore(redis.embeddingStore()).ttl(Duration.ofMinutes(10))
                .lookupTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10)).build();
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
    void twoInstancesShareOneRedisInLocalMode() throws Exception {
        RedisCache redisA = redis(TestRedis.url());
        RedisCache redisB = redis(TestRedis.url());
        assertEquals(RedisEmbeddingStore.Mode.LOCAL, redisB.embeddingStore().mode());
        CachingChatModel a = model(redisA);
        CachingChatModel b = model(redisB);

        assertEquals(CacheSource.LLM, source(a, "acme", "什么是大模型？"));
        assertEquals(CacheSource.EXACT, source(b, "acme", "什么是大模型？"), "B reads A's entry");
        RedisEmbeddingStoreTest.awaitTrue(() -> redisB.embeddingStore().localSize() == 1);
        assertEquals(CacheSource.SEMANTIC, source(b, "acme", "大模型是什么？"), "B's index learned A's vector");
        assertEquals(CacheSource.LLM, source(b, "other-tenant", "什么是大模型？"));

        // A deletes; B must never serve the entry again, whatever its own index still holds.
        a.invalidateTenant("acme");
        assertEquals(CacheSource.LLM, source(b, "acme", "大模型是什么？"));
        assertEquals(CacheSource.EXACT, source(b, "acme", "大模型是什么？"), "B re-stored its own answer");
        assertEquals(3, deepSeek.calls());
    }

    @Test
    void redisDownAtStartPassesThroughAndTheCacheRecovers() throws Exception {
        int port = RedisProcess.freePort();
        RedisCache redis = redis("redis://127.0.0.1:" + port);
        CachingChatModel model = CachingChatModel.builder().delegate(deepSeek.chatModel())
                .cacheStore(redis.cacheStore()).embeddingStore(redis.embeddingStore())
                .lookupTimeout(Duration.ofSeconds(2)).writeTimeout(Duration.ofSeconds(2)).build();
        try (CacheScope scope = CacheScope.open("acme")) {
            model.chat(ask("什么是大模型？"));
            CacheOutcome o = scope.lastOutcome().orElseThrow();
            assertEquals(CacheSource.LLM, o.source());
            assertTrue(o.degraded());
        }
        assertTrue(model.metrics().snapshot().faults() > 0);

        try (RedisProcess server = RedisProcess.startOn(port, java.nio.file.Files.createTempDirectory("pc-redis"))) {
            CacheSource last = CacheSource.LLM;
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (last != CacheSource.EXACT && System.nanoTime() < deadline) {
                last = source(model, "acme", "什么是大模型？");
            }
            assertEquals(CacheSource.EXACT, last, "the cache came back by itself");
            RedisEmbeddingStoreTest.awaitTrue(() -> redis.embeddingStore().loaded());
        }
    }

    @Test
    void redisGoingDownMidRunFailsOpenAndNothingLeaks() throws Exception {
        int before = syncThreads();
        try (RedisProcess server = RedisProcess.start()) {
            RedisCache redis = RedisCache.builder().config(RedisConfig.builder().url(server.url()).keyPrefix(prefix).build())
                    .dimension(512).build();
            CachingChatModel model = CachingChatModel.builder().delegate(deepSeek.chatModel())
                    .cacheStore(redis.cacheStore()).embeddingStore(redis.embeddingStore())
                    .lookupTimeout(Duration.ofSeconds(5)).writeTimeout(Duration.ofSeconds(5)).build();
            assertEquals(CacheSource.LLM, source(model, "acme", "什么是大模型？"));
            assertEquals(CacheSource.EXACT, source(model, "acme", "什么是大模型？"));
            server.stop();
            assertEquals(CacheSource.LLM, source(model, "acme", "什么是大模型？"), "answered without Redis");
            assertEquals(CacheSource.LLM, source(model, "acme", "大模型是什么？"));
            server.restart();
            CacheSource last = CacheSource.LLM;
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (last != CacheSource.EXACT && System.nanoTime() < deadline) {
                last = source(model, "acme", "如何开通会员");
            }
            assertEquals(CacheSource.EXACT, last);
            redis.close();
        }
        RedisEmbeddingStoreTest.awaitTrue(() -> syncThreads() == before);
    }

    @Test
    void entriesSurviveARestartOfRedisWithAof() throws Exception {
        try (RedisProcess server = RedisProcess.start("--appendonly", "yes", "--appendfsync", "always")) {
            RedisCache first = RedisCache.builder().config(RedisConfig.builder().url(server.url()).keyPrefix(prefix).build())
                    .dimension(512).build();
            CachingChatModel model = model(first);
            assertEquals(CacheSource.LLM, source(model, "acme", "什么是大模型？"));
            first.close();
            server.restart();
            RedisCache second = redis(server.url());
            assertEquals(1, second.embeddingStore().localSize(), "the vector was reloaded from the AOF");
            CachingChatModel after = model(second);
            assertEquals(CacheSource.EXACT, source(after, "acme", "什么是大模型？"));
            assertEquals(CacheSource.SEMANTIC, source(after, "acme", "大模型是什么？"));
            assertEquals(1, deepSeek.calls());
        }
    }

    @Test
    void hostileTextNeverReachesAnotherNamespace() {
        RedisCache redis = redis(TestRedis.url());
        CachingChatModel model = model(redis);
        String hostile = "a b \"c\" 'd' {e} * @f | g\nh 😀 (@s:{x}) -@tt:{y} =>[KNN 5 @v $B]";
        String tenant = hostile.replace('\n', ' '); // control characters are refused in ids, with a clear error
        assertEquals(CacheSource.LLM, source(model, tenant, hostile));
        assertEquals(CacheSource.EXACT, source(model, tenant, hostile));
        assertEquals(CacheSource.LLM, source(model, "a", hostile));
        assertEquals(CacheSource.LLM, source(model, "*", hostile));
        String huge = "什么是大模型？" + "很长的问题".repeat(200_000);
        assertEquals(CacheSource.LLM, source(model, "acme", huge));
        assertEquals(CacheSource.EXACT, source(model, "acme", huge));
        assertEquals(new java.util.TreeSet<>(List.of(tenant, "a", "*", "acme")), new java.util.TreeSet<>(redis.cacheStore().tenants()));
        for (String t : List.of(tenant, "a", "*", "acme")) {
            assertEquals(1, redis.cacheStore().stats(t).entries(), t);
        }
    }

    @Test
    void anExactHitIsOneReadAndASemanticHitThreeRoundTrips() throws Exception {
        try (RedisProcess server = RedisProcess.start()) {
            RedisCache redis = redis(server.url());
            // Without the canonical-turn record a semantic hit writes in the background (its script checks that
            // the entry exists): the counts are of the caller's path alone.
            CachingChatModel model = CachingChatModel.builder().delegate(deepSeek.chatModel())
                    .embeddingModel(EmbeddingModels.inProcess()).canonicalConversations(false)
                    .cacheStore(redis.cacheStore()).embeddingStore(redis.embeddingStore()).ttl(Duration.ofMinutes(10))
                    .lookupTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10)).build();
            source(model, "acme", "什么是大模型？");
            redis.cacheStore().flushHits();
            long[] before = counts(redis);
            assertEquals(CacheSource.EXACT, source(model, "acme", "什么是大模型？"));
            long[] afterExact = counts(redis);
            assertEquals(1, afterExact[0] - before[0], "one HMGET");
            assertEquals(0, afterExact[1] - before[1], "no EXISTS");
            assertEquals(CacheSource.SEMANTIC, source(model, "acme", "大模型是什么？"));
            long[] afterSemantic = counts(redis);
            assertEquals(2, afterSemantic[0] - afterExact[0], "the exact miss and the chosen entry");
            assertEquals(1, afterSemantic[1] - afterExact[1], "one pipelined EXISTS of the candidates");
        }
    }

    /** Calls of HMGET and EXISTS so far, from INFO commandstats. */
    static long[] counts(RedisCache redis) {
        String info;
        try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis(
                ((redis.clients.jedis.JedisPooled) redis.client()).getPool().getResource())) {
            info = j.info("commandstats");
        }
        return new long[]{io.promptcache.testing.CommandStats.calls(info, "hmget"), io.promptcache.testing.CommandStats.calls(info, "exists")};
    }

    static int syncThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> (t.getName().equals("promptcache-vector-sync") || t.getName().equals("promptcache-hit-writer"))
                        && t.isAlive()).count();
    }
}
