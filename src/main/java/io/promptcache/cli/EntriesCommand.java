package io.promptcache.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptcache.key.CanonicalJson;
import io.promptcache.redis.RedisCacheStore;
import io.promptcache.store.CacheEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.Callable;

/**
 * {@code promptcache entries}: what is cached. Walks the store a page at a time (ZSCAN of each tenant's
 * index, never KEYS) and keeps only the top {@code --limit} by the sort key, so memory stays bounded.
 */
@Command(name = "entries", mixinStandardHelpOptions = true, description = "List cached entries: question, hits, times, size, model.")
public final class EntriesCommand implements Callable<Integer> {

    enum Sort { hits, recent, size }

    @Mixin
    StoreLocation store;

    @Option(names = "--tenant", paramLabel = "ID", description = "Only this tenant (default: every tenant).")
    String tenant;

    @Option(names = "--limit", defaultValue = "50", paramLabel = "N", description = "At most N entries (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--sort", defaultValue = "recent", paramLabel = "hits|recent|size",
            description = "Most hits, most recently used, or largest first (default: ${DEFAULT-VALUE}).")
    Sort sort;

    @Option(names = "--json", description = "One JSON object per entry.")
    boolean json;

    private final PrintStream out;

    public EntriesCommand() {
        this(System.out);
    }

    EntriesCommand(PrintStream out) {
        this.out = out;
    }

    /** One listed entry. */
    record Row(String tenant, String id, String question, long hits, long createdAt, long lastAccessAt, long expiresAt,
               long sizeBytes, String model) {

        static Row of(CacheEntry e) {
            long size;
            try {
                size = CanonicalJson.mapper().writeValueAsBytes(e.response()).length;
            } catch (Exception ex) {
                size = -1;
            }
            return new Row(e.tenant(), e.id(), e.question(), e.hitCount(), e.createdAt(), e.lastAccessAt(), e.expiresAt(),
                    size, e.response().modelName());
        }
    }

    @Override
    public Integer call() throws Exception {
        if (limit < 1) {
            throw new IllegalArgumentException("--limit must be at least 1, was " + limit);
        }
        if (!store.redis()) {
            out.println("the memory store lives inside one process; give --store redis://… to list a shared cache");
            return 0;
        }
        Comparator<Row> order = switch (sort) {
            case hits -> Comparator.comparingLong(Row::hits);
            case recent -> Comparator.comparingLong(Row::lastAccessAt);
            case size -> Comparator.comparingLong(Row::sizeBytes);
        };
        PriorityQueue<Row> top = new PriorityQueue<>(order);
        try (RedisCacheStore cache = RedisCacheStore.builder().config(store.redisConfig()).build()) {
            EntryWalk.each(cache, EntryWalk.tenants(cache, tenant), e -> {
                top.add(Row.of(e));
                if (top.size() > limit) {
                    top.poll();
                }
            });
        }
        List<Row> rows = new ArrayList<>(top);
        rows.sort(order.reversed());
        ObjectMapper mapper = new ObjectMapper();
        if (!json) {
            out.printf("%-12s %-10s %6s %-20s %-20s %-20s %8s %-16s %s%n", "tenant", "entry", "hits", "created", "last access",
                    "expires", "bytes", "model", "question");
        }
        for (Row r : rows) {
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("tenant", r.tenant());
                m.put("id", r.id());
                m.put("question", r.question());
                m.put("hits", r.hits());
                m.put("createdAt", time(r.createdAt()));
                m.put("lastAccessAt", time(r.lastAccessAt()));
                m.put("expiresAt", r.expiresAt() == 0 ? null : time(r.expiresAt()));
                m.put("sizeBytes", r.sizeBytes());
                m.put("model", r.model());
                out.println(mapper.writeValueAsString(m));
            } else {
                out.printf("%-12s %-10s %6d %-20s %-20s %-20s %8d %-16s %s%n", cut(r.tenant(), 12), r.id().substring(0, Math.min(10, r.id().length())),
                        r.hits(), time(r.createdAt()), time(r.lastAccessAt()), r.expiresAt() == 0 ? "never" : time(r.expiresAt()),
                        r.sizeBytes(), cut(String.valueOf(r.model()), 16), r.question() == null ? "" : cut(r.question(), 60));
            }
        }
        return 0;
    }

    private static String time(long millis) {
        return Instant.ofEpochMilli(millis).toString().replaceAll("\\.\\d+Z$", "Z");
    }

    private static String cut(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }
}
