package io.promptcache.redis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

import io.promptcache.embedding.InProcessModel;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Both Redis stores of a cache on one connection and one key prefix: entries in a
 * {@link RedisCacheStore}, vectors in a {@link RedisEmbeddingStore} attached to those entries.
 *
 * <p>With the in-process default embedder, each model gets its vector space:
 * <pre>{@code
 * RedisCache redis = RedisCache.builder().config(RedisConfig.fromUrl(System.getenv("REDIS_URL")))
 *         .maxEntriesPerTenant(10_000).ttl(Duration.ofHours(24)).build();
 * ChatModel model = CachingChatModel.builder().delegate(deepSeek)
 *         .cacheStore(redis.cacheStore()).embeddingStores(redis::embeddingStore).ttl(Duration.ofHours(24))
 *         .build();
 * }</pre>
 * With one embedding model of your own (Ollama bge-m3, say), give its dimension and use the one store:
 * <pre>{@code
 * RedisCache redis = RedisCache.builder().config(config).dimension(1024).build();
 * CachingChatModel.builder().delegate(deepSeek).embeddingModel(bgeM3)
 *         .cacheStore(redis.cacheStore()).embeddingStore(redis.embeddingStore()).build();
 * }</pre>
 */
public final class RedisCache implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisCache.class);

    private final UnifiedJedis jedis;
    private final RedisCacheStore cacheStore;
    private final RedisEmbeddingStore embeddingStore;
    // What the lazily made vector stores are built with (copied: a builder may be changed after build()).
    private final RedisConfig config;
    private final RedisEmbeddingStore.Mode mode;
    private final Duration keyTtl;
    /** The stores of the in-process models, made on first use (the default space may be {@link #embeddingStore}). */
    private final Map<InProcessModel, RedisEmbeddingStore> modelStores = new EnumMap<>(InProcessModel.class);

    private RedisCache(Builder b) {
        this.config = b.config;
        this.mode = b.mode;
        this.keyTtl = b.ttl;
        this.jedis = b.config.connect();
        try {
            jedis.ping();
        } catch (JedisConnectionException down) {
            LOG.warn("PromptCache: Redis at {} did not answer at start ({}); calls pass through uncached until it does",
                    b.config, down.getClass().getSimpleName());
        }
        try {
            this.cacheStore = RedisCacheStore.builder().client(jedis).keyPrefix(b.config.keyPrefix())
                    .maxEntriesPerTenant(b.maxEntriesPerTenant).hitRoundTrips(b.hitRoundTrips).build();
            this.embeddingStore = b.dimension < 1 ? null : vectorStore(null, b.dimension, null, null);
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

    private RedisEmbeddingStore vectorStore(String space, int dimension, String modelName, StartupScan startup) {
        return RedisEmbeddingStore.builder().client(jedis).keyPrefix(config.keyPrefix()).space(space)
                .embeddingModelName(modelName).dimension(dimension).mode(mode).attachToCacheEntries(true)
                .keyTtl(keyTtl).warnWhenDown(false).startupScan(startup)
                .eventPoll(min(Duration.ofMillis(200), config.readTimeout().dividedBy(2))).build();
    }

    /**
     * The vector store of the embedding model this cache was built for ({@link Builder#dimension}).
     *
     * @throws IllegalStateException when the cache was built without a dimension (for the in-process
     *                               models, use {@link #embeddingStore(InProcessModel)})
     */
    public RedisEmbeddingStore embeddingStore() {
        if (embeddingStore == null) {
            throw new IllegalStateException("this RedisCache was built without dimension(...): give the caching model "
                    + "embeddingStores(redis::embeddingStore) for the in-process models, or build it with the dimension "
                    + "of your embedding model");
        }
        return embeddingStore;
    }

    /**
     * The vector store of one in-process model, in that model's own vector space under this cache's key
     * prefix (bge-small-zh keeps the default space, so an index built by 0.2 stays usable). Made on first
     * use and closed with this cache. Meant as {@code embeddingStores(redis::embeddingStore)}.
     *
     * @throws IllegalStateException when the default space was built for a model of another dimension
     */
    public synchronized RedisEmbeddingStore embeddingStore(InProcessModel model) {
        RedisEmbeddingStore store = modelStores.get(model);
        if (store != null) {
            return store;
        }
        String space = RedisKeys.spaceOf(model);
        if (space == null && embeddingStore != null) {
            if (embeddingStore.dimension() != model.dimension()) {
                throw new IllegalStateException("this RedisCache's vector store was built with dimension "
                        + embeddingStore.dimension() + ", which is not " + model.id() + "'s " + model.dimension());
            }
            modelStores.put(model, embeddingStore);
            return embeddingStore;
        }
        if (embeddingStore == null && modelStores.isEmpty()) {
            // The in-process default: every model's store at once, loaded by one scan of the prefix (a LOCAL
            // index would otherwise scan it once per space).
            java.util.List<InProcessModel> models = java.util.Arrays.stream(InProcessModel.values())
                    .filter(m -> m == model || m.available()).toList();
            StartupScan startup = models.size() < 2 ? null : new StartupScan(jedis,
                    models.stream().map(m -> cacheStore.keys().space(RedisKeys.spaceOf(m))).toList());
            for (InProcessModel m : models) {
                modelStores.put(m, vectorStore(RedisKeys.spaceOf(m), m.dimension(), m.id(), startup));
            }
            return modelStores.get(model);
        }
        store = vectorStore(space, model.dimension(), model.id(), null);
        modelStores.put(model, store);
        return store;
    }

    public UnifiedJedis client() {
        return jedis;
    }

    @Override
    public void close() {
        synchronized (this) {
            modelStores.values().stream().filter(store -> store != embeddingStore).forEach(RedisEmbeddingStore::close);
        }
        if (embeddingStore != null) {
            embeddingStore.close();
        }
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
        private int hitRoundTrips = RedisCacheStore.DEFAULT_HIT_ROUND_TRIPS;

        /** See {@link RedisCacheStore.Builder#hitRoundTrips(int)}. */
        public Builder hitRoundTrips(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("hitRoundTrips must be at least 1, was " + n);
            }
            this.hitRoundTrips = n;
            return this;
        }

        public Builder config(RedisConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Vector size of your embedding model, for {@link RedisCache#embeddingStore()}. Leave it out with
         * the in-process default embedder: its stores come from {@link RedisCache#embeddingStore(InProcessModel)}.
         */
        public Builder dimension(int dimension) {
            if (dimension < 1) {
                throw new IllegalArgumentException("dimension must be positive, was " + dimension);
            }
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
            return new RedisCache(this);
        }
    }
}
