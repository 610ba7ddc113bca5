package io.promptcache.redis;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.promptcache.CacheOutcome;
import io.promptcache.CacheScope;
import io.promptcache.CacheSource;
import io.promptcache.CachingChatModel;
import io.promptcache.embedding.InProcessModel;
import io.promptcache.testing.Await;
import io.promptcache.testing.SimulatedDeepSeek;
import io.promptcache.testing.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cache in SERVER mode on a real Query Engine ({@code REDIS_QUERY_ENGINE_URL}): the vector index lives in
 * Redis, no instance holds vectors. Skipped, saying why, where no Query Engine is reachable.
 */
class ServerModeTest {

    final SimulatedDeepSeek deepSeek = new SimulatedDeepSeek();
    final String prefix = TestRedis.prefix();
    final List<AutoCloseable> closeables = new ArrayList<>();
    String url;

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        if (url != null) {
            try (UnifiedJedis jedis = RedisConfig.fromUrl(url).connect()) {
                TestRedis.clean(jedis, prefix);
                for (String index : List.of(prefix + ":idx", prefix + ":idx:en")) {
                    try {
                        jedis.ftDropIndex(index);
                    } catch (RuntimeException none) {
                        // not created
                    }
                }
            }
        }
        deepSeek.close();
    }

    /** The Query Engine for {@code test}, or the test is reported as skipped (a JUnit assumption) saying why. */
    void useQueryEngine(String test) {
        url = TestRedis.queryEngineOrSkip("ServerModeTest." + test);
    }

    RedisCache redis(int maxEntries, Duration ttl) {
        RedisCache cache = RedisCache.builder().config(RedisConfig.builder().url(url).keyPrefix(prefix).build())
                .mode(RedisEmbeddingStore.Mode.SERVER).maxEntriesPerTenant(maxEntries).ttl(ttl).build();
        closeables.add(cache);
        return cache;
    }

    CachingChatModel model(RedisCache redis, Duration ttl) {
        return CachingChatModel.builder().delegate(deepSeek.chatModel()).ttl(ttl)
                .cacheStore(redis.cacheStore()).embeddingStores(redis::embeddingStore)
                .lookupTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10)).build();
    }

    static CacheOutcome ask(CachingChatModel model, String tenant, String system, ChatMessage... turns) {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from(system));
        messages.addAll(List.of(turns));
        try (CacheScope scope = CacheScope.open(tenant)) {
            model.chat(ChatRequest.builder().messages(messages).build());
            return scope.lastOutcome().orElseThrow();
        }
    }

    static CacheSource source(CachingChatModel model, String tenant, String question) {
        return ask(model, tenant, "你是助手。", UserMessage.from(question)).source();
    }

    @Test
    void hitsIsolationAndBothVectorSpacesLiveInTheServer() {
        useQueryEngine("hitsIsolationAndBothVectorSpacesLiveInTheServer");
        RedisCache redis = redis(100, Duration.ofMinutes(10));
        CachingChatModel model = model(redis, Duration.ofMinutes(10));
        assertEquals(RedisEmbeddingStore.Mode.SERVER, redis.embeddingStore(InProcessModel.BGE_SMALL_ZH).mode());
        assertEquals(RedisEmbeddingStore.Mode.SERVER, redis.embeddingStore(InProcessModel.BGE_SMALL_EN).mode());
        assertEquals(-1, redis.embeddingStore(InProcessModel.BGE_SMALL_ZH).localSize(), "no vectors in this JVM");

        assertEquals(CacheSource.LLM, source(model, "acme", "什么是大模型？"));
        assertEquals(CacheSource.EXACT, source(model, "acme", "什么是大模型？"));
        assertEquals(CacheSource.SEMANTIC, source(model, "acme", "大模型是什么？"));
        assertEquals(CacheSource.LLM, source(model, "acme", "How do I reset my password?"));
        assertEquals(CacheSource.SEMANTIC, source(model, "acme", "How can I reset my password?"), "the bge-small-en space");
        assertEquals(CacheSource.LLM, source(model, "globex", "大模型是什么？"), "another tenant");
        assertEquals(CacheSource.LLM, ask(model, "acme", "你是一个律师。", UserMessage.from("大模型是什么？")).source(),
                "another system prompt: another scope");

        // Another instance: nothing to load, it searches the same index.
        CachingChatModel second = model(redis(100, Duration.ofMinutes(10)), Duration.ofMinutes(10));
        assertEquals(CacheSource.SEMANTIC, source(second, "acme", "大模型是什么？"));
        assertEquals(3, deepSeek.calls() - 1, "four model calls in all");
    }

    @Test
    void evictionAndExpiryLeaveTheIndex() throws Exception {
        useQueryEngine("evictionAndExpiryLeaveTheIndex");
        RedisCache redis = redis(2, Duration.ofMinutes(10));
        CachingChatModel model = model(redis, Duration.ofMinutes(10));
        source(model, "acme", "什么是大模型？");
        source(model, "acme", "如何开通会员");
        assertEquals(CacheSource.LLM, source(model, "acme", "什么是知识图谱？")); // the third entry evicts the first
        assertEquals(2, redis.cacheStore().stats("acme").entries());
        assertEquals(CacheSource.LLM, source(model, "acme", "大模型是什么？"), "the evicted entry's vector is gone from the index");

        RedisCache shortLived = redis(100, Duration.ofSeconds(1));
        CachingChatModel brief = model(shortLived, Duration.ofSeconds(1));
        assertEquals(CacheSource.LLM, source(brief, "tmp", "什么是向量数据库？"));
        Await.until(() -> shortLived.cacheStore().peek("tmp",
                io.promptcache.key.RequestFingerprint.of(ChatRequest.builder().messages(SystemMessage.from("你是助手。"),
                        UserMessage.from("什么是向量数据库？")).build(), "tmp", null).exactKey()).isEmpty(), "Redis expired the entry");
        assertEquals(CacheSource.LLM, source(brief, "tmp", "向量数据库是什么？"), "an expired entry is never served");
    }

    @Test
    void aFollowUpAfterAServedParaphraseHits() {
        useQueryEngine("aFollowUpAfterAServedParaphraseHits");
        CachingChatModel model = model(redis(100, Duration.ofMinutes(10)), Duration.ofMinutes(10));
        String answer = model.chat(ChatRequest.builder().messages(SystemMessage.from("你是助手。"), UserMessage.from("什么是大模型？"))
                .build()).aiMessage().text();
        CacheOutcome first = ask(model, "default", "你是助手。", UserMessage.from("什么是大模型？"), AiMessage.from(answer),
                UserMessage.from("它有哪些应用？"));
        assertEquals(CacheSource.LLM, first.source());
        assertEquals(CacheSource.SEMANTIC, ask(model, "default", "你是助手。", UserMessage.from("大模型是什么？")).source());
        assertEquals(CacheSource.EXACT, ask(model, "default", "你是助手。", UserMessage.from("大模型是什么？"), AiMessage.from(answer),
                UserMessage.from("它有哪些应用？")).source(), "keyed as the conversation whose answer it was served");
    }

    /** A server that stops answering for a while (CLIENT PAUSE), then answers again: calls fail open, then hit. */
    @Test
    void aPausedServerFailsOpenAndTheCacheComesBack() throws Exception {
        useQueryEngine("aPausedServerFailsOpenAndTheCacheComesBack");
        RedisCache redis = redis(100, Duration.ofMinutes(10));
        CachingChatModel model = CachingChatModel.builder().delegate(deepSeek.chatModel())
                .cacheStore(redis.cacheStore()).embeddingStores(redis::embeddingStore)
                .lookupTimeout(Duration.ofMillis(300)).writeTimeout(Duration.ofMillis(300)).retryInterval(Duration.ofMillis(200))
                .build();
        Await.until(() -> !model.warmingUp(), "warm");
        assertEquals(CacheSource.LLM, source(model, "acme", "什么是大模型？"));
        assertEquals(CacheSource.SEMANTIC, source(model, "acme", "大模型是什么？"));
        try (UnifiedJedis admin = RedisConfig.fromUrl(url).connect()) {
            admin.sendCommand(Protocol.Command.CLIENT, "PAUSE", "3000", "ALL"); // the whole server, 3 s
        }
        CacheOutcome during = ask(model, "acme", "你是助手。", UserMessage.from("大模型是什么？"));
        assertEquals(CacheSource.LLM, during.source(), "answered by the model while Redis does not answer");
        assertTrue(during.degraded());
        CacheSource last = CacheSource.LLM;
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (last != CacheSource.SEMANTIC && System.nanoTime() < deadline) {
            Thread.sleep(200);
            last = source(model, "acme", "大模型是什么？");
        }
        assertEquals(CacheSource.SEMANTIC, last, "the semantic tier came back by itself");
    }

    @Test
    void anIndexBuiltWithOtherSettingsIsRefusedAtBuildTime() {
        useQueryEngine("anIndexBuiltWithOtherSettingsIsRefusedAtBuildTime");
        try (UnifiedJedis jedis = RedisConfig.builder().url(url).keyPrefix(prefix).build().connect()) {
            RedisEmbeddingStore first = RedisEmbeddingStore.builder().client(jedis).keyPrefix(prefix).dimension(8)
                    .mode(RedisEmbeddingStore.Mode.SERVER).hnsw(16, 200, 200).build();
            assertEquals(RedisEmbeddingStore.Mode.SERVER, first.mode());
            RedisEmbeddingStore same = RedisEmbeddingStore.builder().client(jedis).keyPrefix(prefix).dimension(8)
                    .mode(RedisEmbeddingStore.Mode.SERVER).hnsw(16, 200, 50).build();
            assertEquals(RedisEmbeddingStore.Mode.SERVER, same.mode(), "EF_RUNTIME is a query setting: the index serves");
            IllegalStateException other = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> RedisEmbeddingStore.builder().client(jedis).keyPrefix(prefix).dimension(8)
                            .mode(RedisEmbeddingStore.Mode.SERVER).hnsw(32, 200, 200).build());
            assertTrue(other.getMessage().contains("M 16") && other.getMessage().contains("M 32")
                    && other.getMessage().contains(prefix + ":idx"), other.getMessage());
            IllegalStateException dimension = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> RedisEmbeddingStore.builder().client(jedis).keyPrefix(prefix).dimension(16)
                            .mode(RedisEmbeddingStore.Mode.SERVER).build());
            assertTrue(dimension.getMessage().contains("dimension"), dimension.getMessage());
        }
    }

    /** Down at start (paused before the cache is built): calls pass through, and SERVER mode is chosen when it answers. */
    @Test
    void downAtStartThenBack() throws Exception {
        useQueryEngine("downAtStartThenBack");
        try (UnifiedJedis admin = RedisConfig.fromUrl(url).connect()) {
            admin.sendCommand(Protocol.Command.CLIENT, "PAUSE", "3000", "ALL");
        }
        RedisCache redis = RedisCache.builder().config(RedisConfig.builder().url(url).keyPrefix(prefix)
                        .connectTimeout(Duration.ofMillis(300)).readTimeout(Duration.ofMillis(300)).build())
                .mode(RedisEmbeddingStore.Mode.SERVER).build();
        closeables.add(redis);
        CachingChatModel model = CachingChatModel.builder().delegate(deepSeek.chatModel())
                .cacheStore(redis.cacheStore()).embeddingStores(redis::embeddingStore)
                .lookupTimeout(Duration.ofMillis(500)).writeTimeout(Duration.ofMillis(500)).retryInterval(Duration.ofMillis(200))
                .build();
        CacheOutcome first = ask(model, "acme", "你是助手。", UserMessage.from("什么是大模型？"));
        assertEquals(CacheSource.LLM, first.source(), "answered while Redis does not answer");
        // A fresh pair each time: a question stored while the vector store was still marked down has no vector, so
        // its paraphrase could never be a semantic hit; the first question stored whole after the return can.
        List<String> topics = List.of("大模型", "向量数据库", "知识图谱", "强化学习", "语义缓存", "迁移学习", "注意力机制", "词向量",
                "模型蒸馏", "提示词工程", "梯度下降", "卷积神经网络");
        CacheSource last = CacheSource.LLM;
        long deadline = System.nanoTime() + 30_000_000_000L;
        int used = 0; // a topic is used up once its question was stored, whole or not
        while (last != CacheSource.SEMANTIC && used < topics.size() && System.nanoTime() < deadline) {
            Thread.sleep(200);
            String topic = topics.get(used);
            CacheOutcome stored = ask(model, "acme", "你是助手。", UserMessage.from("什么是" + topic + "？"));
            if (stored.stored()) {
                used++;
                if (stored.degradedBy().isEmpty() && !stored.warmingUp()) {
                    last = source(model, "acme", topic + "是什么？");
                }
            }
        }
        assertEquals(CacheSource.SEMANTIC, last, "once Redis answers, the cache stores and serves, semantic tier included");
        assertEquals(RedisEmbeddingStore.Mode.SERVER, redis.embeddingStore(InProcessModel.BGE_SMALL_ZH).mode());
    }

    /** Every client connection killed mid-run (as a server restart looks to a client): the next calls reconnect. */
    @Test
    void connectionsKilledMidRun() throws Exception {
        useQueryEngine("connectionsKilledMidRun");
        RedisCache redis = redis(100, Duration.ofMinutes(10));
        CachingChatModel model = CachingChatModel.builder().delegate(deepSeek.chatModel())
                .cacheStore(redis.cacheStore()).embeddingStores(redis::embeddingStore)
                .lookupTimeout(Duration.ofSeconds(2)).writeTimeout(Duration.ofSeconds(2)).retryInterval(Duration.ofMillis(200))
                .build();
        assertEquals(CacheSource.LLM, source(model, "acme", "什么是大模型？"));
        try (UnifiedJedis admin = RedisConfig.fromUrl(url).connect()) {
            admin.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "normal", "SKIPME", "yes");
        }
        CacheSource last = CacheSource.LLM;
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!last.cached() && System.nanoTime() < deadline) {
            last = source(model, "acme", "大模型是什么？"); // the first may fail open (and store its answer); none may fail
        }
        assertTrue(last.cached(), "served from the cache again");
        assertTrue(redis.cacheStore().stats("acme").entries() >= 1, "the entry written before the kill is still served");
    }
}
