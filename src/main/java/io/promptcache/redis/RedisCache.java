package io.promptcache.redis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

import java.time.Duration;
import java.util.Objects;

/**
 * Both Redis stores of a cache on one connection and one key prefix: entries in a
 * {@link RedisCacheStore}, vectors in a {@link RedisEmbeddingStore} attached to those entries.
 *
 * <pre>{@code
 * RedisCache redis = RedisCache.builder().config(RedisConfig.fromUrl(System.getenv("REDIS_URL")))
 *         .dimension(512).maxEntriesPerTenant(10_000).ttl(Duration.ofHours(24)).build();
 * ChatModel model = CachingChatModel.builder().delegate(deepSeek)
 *         .cacheStore(redis.cacheStore()).embeddingStore(redis.embeddingStore()).ttl(Duration.ofHours(24))
 *         .build();
 * }</pre>
 */
public final class RedisCache implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisCache.class);

    private final UnifiedJedis jedis;
    private final RedisCacheStore cacheStore;
    private final RedisEmbeddingStore embeddingStore;

    private RedisCache(Builder b) {
        this.jedis = b.config.connect();
        try {
            jedis.ping();
        } catch (JedisConnectionException down) {
            LOG.warn("PromptCache: Redis at {} did not answer at start ({}); calls pass through uncached until it does",
                    b.config, down.getClass().getSimpleName());
        }
        try {
            this.cacheStore = RedisCacheStore.builder().client(jedis).keyPrefix(b.config.keyPrefix())
                    .maxEntriesPerTenant(b.maxEntriesPerTenant).build();
            this.embeddingStore = RedisEmbeddingStore.builder().client(jedis).keyPrefix(b.config.keyPrefix())
                    .dimension(b.dimension).mode(b.mode).attachToCacheEntries(true).keyTtl(b.ttl).warnWhenDown(false)
                    .eventPoll(min(Duration.ofMillis(200), b.config.readTimeout().dividedBy(2))).build();
        } catch (RuntimeException e) {
            jedis.close();
            throw e;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    public static Builder builder() {
        return new Builder();
    }

    public RedisCacheStore cacheStore() {
        return cacheStore;
    }

    public RedisEmbeddingStore embeddingStore() {
        return embeddingStore;
    }

    public UnifiedJedis client() {
        return jedis;
    }

    @Override
    public void close() {
        embeddingStore.close();
        cacheStore.close(); // writes the hits recorded since the last flush
        jedis.close();
    }

    /** Builder of {@link RedisCache}. */
    public static final class Builder {
        private RedisConfig config;
        private int dimension;
        private int maxEntriesPerTenant = 10_000;
        private Duration ttl = Duration.ofHours(24);
        private RedisEmbeddingStore.Mode mode = RedisEmbeddingStore.Mode.AUTO;

        public Builder config(RedisConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        public Builder dimension(int dimension) {
            this.dimension = dimension;
            return this;
        }

        public Builder maxEntriesPerTenant(int max) {
            this.maxEntriesPerTenant = max;
            return this;
        }

        /** TTL of the stores' own keys; give it the TTL the caching model uses for entries. */
        public Builder ttl(Duration ttl) {
            this.ttl = Objects.requireNonNull(ttl, "ttl");
            return this;
        }

        public Builder mode(RedisEmbeddingStore.Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        public RedisCache build() {
            if (config == null) {
                throw new IllegalStateException("config must be set");
            }
            if (dimension < 1) {
                throw new IllegalStateException("dimension must be set: the embedding model's vector size");
            }
            return new RedisCache(this);
        }
    }
}
