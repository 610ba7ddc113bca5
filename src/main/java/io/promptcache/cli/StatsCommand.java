package io.promptcache.cli;

import io.promptcache.redis.RedisCacheStore;
import io.promptcache.store.StoreStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code promptcache stats}: entries, hits and memory per tenant of a Redis cache. */
@Command(name = "stats", mixinStandardHelpOptions = true, description = "Entries, hits and memory per tenant.")
public final class StatsCommand implements Callable<Integer> {

    @Mixin
    StoreLocation store;

    @Option(names = "--json", description = "One JSON object per tenant.")
    boolean json;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        if (!store.redis()) {
            out.println("the memory store lives inside one process; give --store redis://… to see a shared cache");
            return 0;
        }
        try (RedisCacheStore cache = RedisCacheStore.builder().config(store.redisConfig()).build()) {
            long entries = 0;
            long hits = 0;
            long memory = 0;
            if (!json) {
                out.printf("%-40s %10s %10s %14s%n", "tenant", "entries", "hits", "memory bytes");
            }
            for (String tenant : cache.tenants()) {
                StoreStats s = cache.stats(tenant);
                entries += s.entries();
                hits += s.hits();
                memory += s.memoryBytes();
                if (json) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("tenant", tenant);
                    m.put("entries", s.entries());
                    m.put("hits", s.hits());
                    m.put("memoryBytes", s.memoryBytes());
                    out.println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(m));
                } else {
                    out.printf("%-40s %10d %10d %14d%n", tenant.length() > 40 ? tenant.substring(0, 39) + "…" : tenant,
                            s.entries(), s.hits(), s.memoryBytes());
                }
            }
            if (!json) {
                out.printf("%-40s %10d %10d %14d%n", "total", entries, hits, memory);
            }
        }
        return 0;
    }
}
