package io.promptcache.redis;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.filter.Filter;
import io.promptcache.semantic.SemanticIndex;
import io.promptcache.store.CacheEntry;
import io.promptcache.store.StoredResponse;
import io.promptcache.testing.Await;
import io.promptcache.testing.TestRedis;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Whatever an application writes through a public API is found the same way by a LOCAL index and by the
 * Query Engine (SERVER): an entry put through {@code CacheStore.put} with a vector, and one added through the
 * {@code EmbeddingStore} API. Both modes search the same keys on the same server.
 */
class SearchModesAgreeTest {

    static final int DIM = 8;

    @Test
    void bothModesFindWhatEveryPublicPathWrote() throws Exception {
        String url = TestRedis.queryEngineOrSkip("SearchModesAgreeTest");
        String prefix = TestRedis.prefix();
        RedisConfig config = RedisConfig.builder().url(url).keyPrefix(prefix).build();
        RedisCache closeLater = null;
        try (RedisCache server = RedisCache.builder().config(config).dimension(DIM).mode(RedisEmbeddingStore.Mode.SERVER).build()) {
            try {
                String tenant = "acme";
                String tag = SemanticIndex.tenantTag(tenant);
                String scope = "ab12";
                StoredResponse answer = StoredResponse.from(ChatResponse.builder().aiMessage(AiMessage.from("an answer"))
                        .finishReason(FinishReason.STOP).build());
                long now = System.currentTimeMillis();
                // Path 1: the cache store, with the vector in the entry.
                server.cacheStore().put(new CacheEntry("put1", tenant, scope, "written with put", answer, unit(0), now, now, 0, 0),
                        Duration.ofMinutes(10));
                // Path 2: the EmbeddingStore API, on an entry the cache store wrote without a vector.
                server.cacheStore().put(new CacheEntry("add2", tenant, scope, "written with addAll", answer, null, now, now, 0, 0),
                        Duration.ofMinutes(10));
                server.embeddingStore().addAll(List.of(tag + ":add2"), List.of(Embedding.from(unit(1))),
                        List.of(TextSegment.from("written with addAll", new dev.langchain4j.data.document.Metadata()
                                .put(SemanticIndex.SCOPE, scope).put(SemanticIndex.TENANT, tag))));
                // Another tenant's entry, which neither mode may return.
                server.cacheStore().put(new CacheEntry("other", "globex", scope, "someone else's", answer, unit(0), now, now, 0, 0),
                        Duration.ofMinutes(10));

                // A LOCAL index loads what is stored when it starts (it follows its own mode's events after that).
                RedisCache local = RedisCache.builder().config(config).dimension(DIM).mode(RedisEmbeddingStore.Mode.LOCAL).build();
                closeLater = local;
                Await.until(() -> local.embeddingStore().loaded(), "LOCAL loaded");
                assertEquals(RedisEmbeddingStore.Mode.SERVER, server.embeddingStore().mode());
                assertEquals(RedisEmbeddingStore.Mode.LOCAL, local.embeddingStore().mode());
                Filter filter = metadataKey(SemanticIndex.SCOPE).isEqualTo(scope).and(metadataKey(SemanticIndex.TENANT).isEqualTo(tag));
                for (int i = 0; i < 2; i++) {
                    Set<String> inServer = ids(server.embeddingStore(), unit(i), filter);
                    Set<String> inLocal = ids(local.embeddingStore(), unit(i), filter);
                    assertEquals(Set.of(tag + ":put1", tag + ":add2"), inServer, "SERVER finds both paths' entries");
                    assertEquals(inLocal, inServer, "the two modes agree");
                }
            } finally {
                if (closeLater != null) {
                    closeLater.close();
                }
                TestRedis.clean(server.client(), prefix);
                try {
                    server.client().ftDropIndex(prefix + ":idx");
                } catch (RuntimeException none) {
                    // not created
                }
            }
        }
    }

    private static Set<String> ids(RedisEmbeddingStore store, float[] query, Filter filter) {
        return store.search(EmbeddingSearchRequest.builder().queryEmbedding(Embedding.from(query)).maxResults(10)
                        .minScore(0.0).filter(filter).build())
                .matches().stream().map(EmbeddingMatch::embeddingId).collect(Collectors.toSet());
    }

    private static float[] unit(int axis) {
        float[] v = new float[DIM];
        v[axis] = 1;
        v[DIM - 1] = 0.5f; // never orthogonal to the other test vectors: every entry is a candidate
        return v;
    }
}
