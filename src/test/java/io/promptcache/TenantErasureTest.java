package io.promptcache;

import io.promptcache.embedding.InProcessModel;
import io.promptcache.redis.RedisCache;
import io.promptcache.redis.RedisConfig;
import io.promptcache.redis.RedisEmbeddingStore;
import io.promptcache.store.InMemoryCacheStore;
import io.promptcache.testing.Await;
import io.promptcache.testing.SimulatedDeepSeek;
import io.promptcache.testing.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Forgetting a tenant leaves nothing of it: in memory, on Redis with a LOCAL index, and on the Query Engine. */
public class TenantErasureTest {

    final SimulatedDeepSeek deepSeek = new SimulatedDeepSeek();

    @AfterEach
    void stop() {
        deepSeek.close();
    }

    CachingChatModel model(CachingChatModel.Builder builder) {
        return builder.delegate(deepSeek.chatModel()).ttl(Duration.ofMinutes(10))
                .lookupTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10)).build();
    }

    @Test
    void inMemory() {
        InMemoryCacheStore store = InMemoryCacheStore.builder().build();
        CachingChatModel model = model(CachingChatModel.builder().cacheStore(store));
        TenantErasure.writeEverything(model, () -> { });
        assertTrue(store.tenants().contains(TenantErasure.VICTIM));
        assertTrue(model.invalidateTenant(TenantErasure.VICTIM) >= 2);
        TenantErasure.checkAfterErasure(model, store);
        assertEquals(0, model.invalidateTenant("never-seen"), "an unknown tenant: nothing removed");
    }

    @Test
    void onRedisWithALocalIndex() throws Exception {
        erase(TestRedis.url(), RedisEmbeddingStore.Mode.LOCAL);
    }

    @Test
    void onRedisWithTheQueryEngine() throws Exception {
        String url = TestRedis.queryEngineOrSkip("TenantErasureTest.onRedisWithTheQueryEngine");
        erase(url, RedisEmbeddingStore.Mode.SERVER);
    }

    private void erase(String url, RedisEmbeddingStore.Mode mode) throws Exception {
        String prefix = TestRedis.prefix();
        try (RedisCache redis = RedisCache.builder().config(RedisConfig.builder().url(url).keyPrefix(prefix).build())
                .mode(mode).ttl(Duration.ofMinutes(10)).build()) {
            try {
                CachingChatModel model = model(CachingChatModel.builder()
                        .cacheStore(redis.cacheStore()).embeddingStores(redis::embeddingStore));
                assertEquals(mode, redis.embeddingStore(InProcessModel.BGE_SMALL_ZH).mode());
                TenantErasure.writeEverything(model, () -> awaitSearchable(redis));
                TenantErasure.scanForLeftovers(redis.client(), prefix, true);

                assertTrue(redis.cacheStore().clearTenant(TenantErasure.VICTIM) >= 2);

                TenantErasure.scanForLeftovers(redis.client(), prefix, false);
                TenantErasure.checkAfterErasure(model, redis.cacheStore());
            } finally {
                TestRedis.clean(redis.client(), prefix);
                for (String index : java.util.List.of(prefix + ":idx", prefix + ":idx:en")) {
                    try {
                        redis.client().ftDropIndex(index);
                    } catch (RuntimeException noSuchIndex) {
                        // LOCAL mode, or never created
                    }
                }
            }
        }
    }

    /** A LOCAL index loads in the background (then learns this JVM's writes at once); the Query Engine indexes on write. */
    public static void awaitSearchable(RedisCache redis) {
        try {
            for (InProcessModel m : InProcessModel.values()) {
                RedisEmbeddingStore store = redis.embeddingStore(m);
                Await.until(store::loaded, "the " + m.id() + " index is loaded");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
