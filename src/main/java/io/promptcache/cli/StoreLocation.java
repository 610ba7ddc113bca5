package io.promptcache.cli;

import io.promptcache.redis.RedisConfig;
import picocli.CommandLine.Option;

import java.util.stream.Collectors;

/**
 * {@code --store} and {@code --key-prefix}: which cache a command reads or changes. The commands that only
 * inspect or remove ({@code stats}, {@code entries}, {@code clear} ...) take this alone; those that run a cache
 * add its TTL and size ({@link StoreOptions}).
 */
public final class StoreLocation {

    @Option(names = "--store", paramLabel = "memory|redis://…", defaultValue = "memory",
            description = "Cache storage: memory, or a Redis URL (redis://, rediss://, redis-cluster://).")
    String store;

    @Option(names = "--key-prefix", paramLabel = "PREFIX", description = "Redis key prefix.")
    String keyPrefix;

    public StoreLocation() {
        this(RedisConfig.DEFAULT_KEY_PREFIX);
    }

    /** @param keyPrefix this command's default prefix (a bench writes under one of its own) */
    public StoreLocation(String keyPrefix) {
        this.keyPrefix = keyPrefix;
    }

    public String keyPrefix() {
        return keyPrefix;
    }

    public boolean redis() {
        return !"memory".equalsIgnoreCase(store);
    }

    public RedisConfig redisConfig() {
        return RedisConfig.builder().url(store).keyPrefix(keyPrefix).build();
    }

    /** Where the cache lives, in words and without credentials: "Redis at host:port", or "the in-memory store". */
    public String where() {
        return describe(store);
    }

    /** {@link #where()} for a {@code --store} value. */
    public static String describe(String store) {
        if ("memory".equalsIgnoreCase(store)) {
            return "the in-memory store";
        }
        try {
            return "Redis at " + RedisConfig.fromUrl(store).nodes().stream().map(Object::toString).sorted()
                    .collect(Collectors.joining(","));
        } catch (RuntimeException malformed) {
            return "Redis";
        }
    }
}
