package io.promptcache.redis;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import io.promptcache.semantic.SemanticIndex;
import io.promptcache.testing.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Redis EmbeddingStore in LOCAL mode (the machine's Redis has no Query Engine). */
class RedisEmbeddingStoreTest {

    final String prefix = TestRedis.prefix();
    final UnifiedJedis jedis = TestRedis.config(prefix).connect();
    final List<RedisEmbeddingStore> stores = new ArrayList<>();

    @AfterEach
    void clean() {
        stores.forEach(RedisEmbeddingStore::close);
        TestRedis.clean(jedis, prefix);
        jedis.close();
    }

    RedisEmbeddingStore store(int dimension) {
        RedisEmbeddingStore s = RedisEmbeddingStore.builder().client(jedis).keyPrefix(prefix).dimension(dimension)
                .mode(RedisEmbeddingStore.Mode.AUTO).build();
        stores.add(s);
        return s;
    }

    static Embedding vec(float... v) {
        return Embedding.from(v);
    }

    static TextSegment segment(String text, String scope, String tenantTag) {
        return TextSegment.from(text, new Metadata().put(SemanticIndex.SCOPE, scope).put(SemanticIndex.TENANT, tenantTag)
                .put("lang", "zh"));
    }

    @Test
    void autoPicksLocalOnPlainRedis() {
        assertEquals(RedisEmbeddingStore.Mode.LOCAL, store(3).mode());
    }

    @Test
    void serverModeOnAServerWithoutTheQueryEngineSearchesLocallyInstead() {
        RedisEmbeddingStore s = RedisEmbeddingStore.builder().client(jedis).keyPrefix(prefix).dimension(3)
                .mode(RedisEmbeddingStore.Mode.SERVER).build();
        stores.add(s);
        assertEquals(RedisEmbeddingStore.Mode.LOCAL, s.mode(), "a configuration slip never stops the application");
        s.addAll(List.of("t:e1"), List.of(vec(1, 0, 0)), List.of(segment("q", "s", "t")));
        assertEquals(1, s.search(EmbeddingSearchRequest.builder().queryEmbedding(vec(1, 0, 0)).maxResults(1).build())
                .matches().size());
    }

    @Test
    void autoModeWaitsForRedisAndChoosesWhenItAnswers() throws Exception {
        try (io.promptcache.testing.RedisProcess redis = io.promptcache.testing.RedisProcess.start()) {
            redis.stop();
            RedisEmbeddingStore s = RedisEmbeddingStore.builder()
                    .config(RedisConfig.builder().url(redis.url()).keyPrefix(prefix).build())
                    .dimension(3).mode(RedisEmbeddingStore.Mode.AUTO).build();
            stores.add(s);
            assertEquals(RedisEmbeddingStore.Mode.AUTO, s.mode(), "not chosen while Redis is down");
            EmbeddingSearchRequest request = EmbeddingSearchRequest.builder().queryEmbedding(vec(1, 0, 0)).maxResults(1).build();
            assertThrows(RuntimeException.class, () -> s.search(request), "a search fails (the cache passes the call on)");
            redis.restart();
            awaitTrue(() -> {
                try {
                    s.search(request);
                    return s.mode() == RedisEmbeddingStore.Mode.LOCAL;
                } catch (RuntimeException notYet) {
                    return false;
                }
            });
        }
    }

    @Test
    void addSearchWithFiltersAndRemove() {
        RedisEmbeddingStore store = store(3);
        store.addAll(List.of("t1:a", "t1:b", "t2:c"),
                List.of(vec(1, 0, 0), vec(0.9f, 0.1f, 0), vec(1, 0, 0)),
                List.of(segment("A", "s1", "t1"), segment("B", "s1", "t1"), segment("C", "s1", "t2")));
        EmbeddingSearchRequest request = EmbeddingSearchRequest.builder().queryEmbedding(vec(1, 0, 0)).maxResults(5)
                .filter(metadataKey(SemanticIndex.SCOPE).isEqualTo("s1").and(metadataKey(SemanticIndex.TENANT).isEqualTo("t1")))
                .build();
        List<EmbeddingMatch<TextSegment>> matches = store.search(request).matches();
        assertEquals(List.of("t1:a", "t1:b"), matches.stream().map(EmbeddingMatch::embeddingId).toList());
        assertEquals(1.0, matches.get(0).score(), 1e-6);
        assertEquals("zh", matches.get(0).embedded().metadata().getString("lang"));

        store.remove("t1:a");
        assertEquals(List.of("t1:b"), store.search(request).matches().stream().map(EmbeddingMatch::embeddingId).toList());
        store.removeAll(metadataKey(SemanticIndex.TENANT).isEqualTo("t2"));
        assertEquals(0, store.search(EmbeddingSearchRequest.builder().queryEmbedding(vec(1, 0, 0))
                .filter(metadataKey(SemanticIndex.TENANT).isEqualTo("t2")).build()).matches().size());
    }

    @Test
    void minScoreIsACosineBound() {
        RedisEmbeddingStore store = store(2);
        store.addAll(List.of("t:x"), List.of(vec(1, 1)), List.of(segment("X", "s", "t")));
        double cos = 1 / Math.sqrt(2);
        assertEquals(1, store.search(EmbeddingSearchRequest.builder().queryEmbedding(vec(1, 0))
                .minScore((cos - 0.01 + 1) / 2).build()).matches().size());
        assertEquals(0, store.search(EmbeddingSearchRequest.builder().queryEmbedding(vec(1, 0))
                .minScore((cos + 0.01 + 1) / 2).build()).matches().size());
    }

    @Test
    void anEntryThatExpiredInRedisIsNeverReturned() throws Exception {
        RedisEmbeddingStore store = store(2);
        store.addAll(List.of("t:x"), List.of(vec(1, 0)), List.of(TextSegment.from("X")));
        jedis.pexpire(new RedisKeys(prefix).entry("t", "x"), 50);
        Thread.sleep(200);
        assertEquals(1, store.localSize(), "the local index still has it");
        assertEquals(0, store.search(EmbeddingSearchRequest.builder().queryEmbedding(vec(1, 0)).build()).matches().size());
        assertEquals(0, store.localSize(), "and forgets it once Redis says it is gone");
    }

    @Test
    void aVectorArrivingAfterItsEntryWasEvictedDoesNotRecreateIt() {
        RedisEmbeddingStore store = RedisEmbeddingStore.builder().client(jedis).keyPrefix(prefix).dimension(2)
                .attachToCacheEntries(true).build();
        stores.add(store);
        store.addAll(List.of("t:gone"), List.of(vec(1, 0)), List.of(segment("X", "s", "t")));
        assertEquals(0, store.localSize());
        assertTrue(!jedis.exists(new RedisKeys(prefix).entry("t", "gone")));
    }

    @Test
    void aDifferentDimensionIsAClearErrorNotGarbage() {
        store(3);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> store(4));
        assertTrue(e.getMessage().contains("dimension 3"), e.getMessage());
        IllegalArgumentException add = assertThrows(IllegalArgumentException.class,
                () -> store(3).add("t:x", vec(1, 2)));
        assertTrue(add.getMessage().contains("dimension 2"));
    }

    @Test
    void aSecondJvmLoadsAtStartAndFollowsEvents() throws Exception {
        RedisEmbeddingStore first = store(8);
        Random random = new Random(1);
        for (int i = 0; i < 50; i++) {
            first.addAll(List.of("t:" + i), List.of(Embedding.from(randomVector(random, 8))), List.of(TextSegment.from("q" + i)));
        }
        RedisEmbeddingStore second = store(8);
        assertEquals(50, second.localSize(), "loaded from Redis at start");
        first.addAll(List.of("t:late"), List.of(Embedding.from(randomVector(random, 8))), List.of(TextSegment.from("late")));
        first.remove("t:3");
        awaitTrue(() -> second.localSize() == 50 && second.search(EmbeddingSearchRequest.builder()
                .queryEmbedding(Embedding.from(new float[8])).maxResults(100).minScore(0.0).build()).matches().stream()
                .noneMatch(m -> m.embeddingId().equals("t:3")));
    }

    static float[] randomVector(Random r, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        io.promptcache.testing.Await.until(condition);
    }
}
