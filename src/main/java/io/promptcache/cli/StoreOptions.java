package io.promptcache.cli;

import dev.langchain4j.model.embedding.EmbeddingModel;
import io.promptcache.CachingModelBuilder;
import io.promptcache.redis.RedisCache;
import io.promptcache.redis.RedisConfig;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;

/**
 * {@code --store}, {@code --key-prefix}, {@code --ttl}, {@code --max-entries}: where a running cache lives and how
 * long and large it is.
 */
public final class StoreOptions {

    @Mixin
    StoreLocation location;

    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "24h", converter = DurationConverter.class,
            description = "Time to live of entries, e.g. 30m, 24h, 7d (default: ${DEFAULT-VALUE}).")
    Duration ttl;

    @Option(names = "--max-entries", paramLabel = "N", defaultValue = "10000",
            description = "Maximum entries per tenant, least recently used evicted first (default: ${DEFAULT-VALUE}).")
    int maxEntries;

    public StoreOptions() {
        this(new StoreLocation());
    }

    /** @param location the command's store options, with its own default key prefix */
    public StoreOptions(StoreLocation location) {
        this.location = location;
    }

    public int maxEntries() {
        return maxEntries;
    }

    public String keyPrefix() {
        return location.keyPrefix();
    }

    public boolean redis() {
        return location.redis();
    }

    public RedisConfig redisConfig() {
        return location.redisConfig();
    }

    public String where() {
        return location.where();
    }

    /**
     * Opens the Redis stores, or returns null for the in-memory store.
     *
     * @param dimension the vector size of the one embedding model, or null for the in-process default
     *                  (a vector space per model)
     */
    public RedisCache openRedis(Integer dimension) {
        if (!redis()) {
            return null;
        }
        RedisCache.Builder b = RedisCache.builder().config(redisConfig()).maxEntriesPerTenant(maxEntries).ttl(ttl);
        return (dimension == null ? b : b.dimension(dimension)).build();
    }

    /** @param embedder the one embedding model, or null for the in-process default */
    public void apply(CachingModelBuilder<?> builder, RedisCache redis, EmbeddingModel embedder) {
        builder.ttl(ttl);
        if (embedder != null) {
            builder.embeddingModel(embedder);
        }
        if (redis == null) {
            builder.maxEntries(maxEntries);
        } else if (embedder == null) {
            builder.cacheStore(redis.cacheStore()).embeddingStores(redis::embeddingStore);
        } else {
            builder.cacheStore(redis.cacheStore()).embeddingStore(redis.embeddingStore());
        }
    }

    /** Parses 90s, 30m, 24h, 7d, or ISO-8601 (PT1H). */
    public static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return io.promptcache.Durations.parse(value);
        }
    }
}
