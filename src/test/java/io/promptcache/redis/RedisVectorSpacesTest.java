package io.promptcache.redis;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import io.promptcache.CacheSource;
import io.promptcache.CachingChatModel;
import io.promptcache.embedding.InProcessModel;
import io.promptcache.testing.Await;
import io.promptcache.testing.SimulatedDeepSeek;
import io.promptcache.testing.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The in-process default on Redis: each model's vectors in their own field, with their own settings,
 * event stream and index, so LOCAL indexes and server indexes never mix two models; and a store that
 * changes embedder fails at build time.
 */
class RedisVectorSpacesTest {

    final SimulatedDeepSeek deepSeek = new SimulatedDeepSeek();
    final List<AutoCloseable> closeables = new ArrayList<>();
    final String prefix = TestRedis.prefix();
    final UnifiedJedis jedis = TestRedis.config(prefix).connect();

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        deepSeek.close();
        TestRedis.clean(jedis, prefix);
        jedis.close();
    }

    RedisCache redis(Integer dimension) {
        RedisCache.Builder b = RedisCache.builder().config(TestRedis.config(prefix)).maxEntriesPerTenant(100)
                .ttl(Duration.ofMinutes(10));
        RedisCache cache = (dimension == null ? b : b.dimension(dimension)).build();
        closeables.add(cache);
        return cache;
    }

    CachingChatModel model(RedisCache redis) {
        return CachingChatModel.builder().delegate(deepSeek.chatModel()).cacheStore(redis.cacheStore())
                .embeddingStores(redis::embeddingStore).ttl(Duration.ofMinutes(10))
                .lookupTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10)).build();
    }

    Map<String, String> entryFields(RedisCache redis) {
        List<Map<String, String>> all = new ArrayList<>();
        redis.cacheStore().page("acme", null, 10).entries().forEach(e ->
                all.add(jedis.hgetAll(redis.cacheStore().keys().entry(RedisKeys.tenantTag("acme"), e.id()))));
        assertEquals(1, all.size());
        return all.get(0);
    }

    @Test
    void eachModelKeepsItsVectorsInItsOwnSpace() throws Exception {
        RedisCache redis = redis(null);
        CachingChatModel a = model(redis);
        assertEquals(CacheSource.LLM, RedisCachingModelTest.source(a, "acme", "How do I reset my password?"));
        Map<String, String> fields = entryFields(redis);
        assertTrue(fields.containsKey("v_en"), "the English vector is in its own field");
        assertFalse(fields.containsKey("v"), "the default (Chinese) field holds nothing English");

        RedisKeys keys = redis.cacheStore().keys();
        assertEquals(Map.of("dim", "384", "model", "bge-small-en-v1.5-q"), jedis.hgetAll(keys.space("en").meta()));
        assertEquals("512", jedis.hget(keys.meta(), "dim"));
        assertEquals("bge-small-zh-v1.5-q", jedis.hget(keys.meta(), "model"));

        // A second instance loads each space from Redis into its own LOCAL index.
        RedisCache other = redis(null);
        CachingChatModel b = model(other);
        Await.until(() -> other.embeddingStore(InProcessModel.BGE_SMALL_EN).localSize() == 1, "English vector loaded");
        assertEquals(0, other.embeddingStore(InProcessModel.BGE_SMALL_ZH).localSize());
        assertEquals(CacheSource.SEMANTIC, RedisCachingModelTest.source(b, "acme", "How can I reset my password?"));
        assertEquals(CacheSource.LLM, RedisCachingModelTest.source(b, "acme", "如何重置我的密码？"),
                "the Chinese question is searched where no English vector is");
    }

    @Test
    void aStoreBuiltFor02KeepsItsChineseIndex() throws Exception {
        // 0.2 wrote bge-small-zh vectors to the default space with dimension 512 and no model name.
        RedisCache old = redis(512);
        CachingChatModel oldModel = CachingChatModel.builder().delegate(deepSeek.chatModel())
                .embeddingModel(io.promptcache.embedding.EmbeddingModels.inProcess()).cacheStore(old.cacheStore())
                .embeddingStore(old.embeddingStore()).lookupTimeout(Duration.ofSeconds(10))
                .writeTimeout(Duration.ofSeconds(10)).build();
        RedisCachingModelTest.source(oldModel, "acme", "什么是大模型？");
        jedis.hdel(old.cacheStore().keys().meta(), "model"); // 0.2 recorded no model
        old.close();
        closeables.remove(old);

        RedisCache upgraded = redis(null);
        CachingChatModel model = model(upgraded);
        Await.until(() -> upgraded.embeddingStore(InProcessModel.BGE_SMALL_ZH).localSize() == 1, "old vector loaded");
        assertEquals(CacheSource.SEMANTIC, RedisCachingModelTest.source(model, "acme", "大模型是什么？"));
    }

    @Test
    void switchingTheEmbedderOfAnExistingStoreFailsAtBuildTime() {
        RedisCache redis = redis(null);
        model(redis); // binds the default space to bge-small-zh (512)

        RedisCache same = redis(512);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CachingChatModel.builder()
                .delegate(deepSeek.chatModel()).embeddingModel(new NamedModel("acme-embed-512", 512))
                .cacheStore(same.cacheStore()).embeddingStore(same.embeddingStore()).build());
        assertTrue(e.getMessage().contains("holds vectors of bge-small-zh-v1.5-q"), e.getMessage());
        assertTrue(e.getMessage().contains("acme-embed-512"), e.getMessage());

        IllegalStateException dim = assertThrows(IllegalStateException.class, () -> redis(1024));
        assertTrue(dim.getMessage().contains("dimension 512"), dim.getMessage());
    }

    /** An embedding model of the user's own, with a name and a fixed dimension. */
    record NamedModel(String name, int dimension) implements EmbeddingModel {
        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            List<Embedding> out = new ArrayList<>();
            for (TextSegment s : segments) {
                float[] v = new float[dimension];
                v[Math.floorMod(s.text().hashCode(), dimension)] = 1;
                out.add(Embedding.from(v));
            }
            return Response.from(out);
        }

        @Override
        public String modelName() {
            return name;
        }
    }
}
