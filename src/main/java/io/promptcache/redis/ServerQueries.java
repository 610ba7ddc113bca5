package io.promptcache.redis;

import dev.langchain4j.store.embedding.filter.Filter;
import io.promptcache.semantic.SemanticIndex;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.promptcache.redis.RedisKeys.bytes;

/**
 * The Query Engine commands of SERVER mode. Only hex SHA-256 values (scope keys, tenant tags) are
 * ever put into a query, so no user text can change its syntax; any other metadata filter is applied
 * to the results in the JVM.
 */
final class ServerQueries {

    private ServerQueries() {
    }

    /** A document of an FT.SEARCH reply. */
    record Doc(String id, String text, String metadataJson, double distance) {
    }

    static List<String> createIndex(RedisKeys keys, int dimension) {
        return List.of(keys.index(), "ON", "HASH", "PREFIX", "1", keys.entryPrefix(), "SCHEMA",
                RedisCacheStore.S, "TAG", RedisCacheStore.TT, "TAG",
                RedisCacheStore.V, "VECTOR", "HNSW", "6", "TYPE", "FLOAT32", "DIM", Integer.toString(dimension),
                "DISTANCE_METRIC", "COSINE");
    }

    /** The query part: the scope and tenant tags the filter pins, if any. */
    static String prefilter(Filter filter) {
        String scope = RedisEmbeddingStore.scopeOf(filter);
        String tenant = tenantOf(filter);
        StringBuilder q = new StringBuilder();
        if (scope != null && scope.matches("[0-9a-f]{1,128}")) {
            q.append("@").append(RedisCacheStore.S).append(":{").append(scope).append("} ");
        }
        if (tenant != null && tenant.matches("[0-9a-f]{1,128}")) {
            q.append("@").append(RedisCacheStore.TT).append(":{").append(tenant).append("} ");
        }
        String s = q.toString().strip();
        return s.isEmpty() ? "*" : "(" + s + ")";
    }

    static List<byte[]> knn(RedisKeys keys, Filter filter, int k, byte[] vector) {
        int fetch = Math.max(k, 1) * (filter == null ? 1 : 4);
        String query = prefilter(filter) + "=>[KNN " + fetch + " @" + RedisCacheStore.V + " $B AS d]";
        List<byte[]> args = new ArrayList<>();
        for (String s : List.of(keys.index(), query, "PARAMS", "2", "B")) {
            args.add(bytes(s));
        }
        args.add(vector);
        for (String s : List.of("SORTBY", "d", "RETURN", "3", RedisCacheStore.Q, "m", "d", "LIMIT", "0",
                Integer.toString(fetch), "DIALECT", "2")) {
            args.add(bytes(s));
        }
        return args;
    }

    private static String tenantOf(Filter filter) {
        if (filter instanceof dev.langchain4j.store.embedding.filter.comparison.IsEqualTo eq
                && SemanticIndex.TENANT.equals(eq.key())) {
            return String.valueOf(eq.comparisonValue());
        }
        if (filter instanceof dev.langchain4j.store.embedding.filter.logical.And and) {
            String left = tenantOf(and.left());
            return left != null ? left : tenantOf(and.right());
        }
        return null;
    }

    /** Reads an FT.SEARCH reply (RESP2: total, key, [field, value ...], ...). */
    static List<Doc> parse(Object reply, RedisKeys keys) {
        List<Doc> out = new ArrayList<>();
        if (!(reply instanceof List<?> list) || list.isEmpty()) {
            return out;
        }
        for (int i = 1; i + 1 < list.size(); i += 2) {
            String key = str(list.get(i));
            String[] parts = keys.parseEntry(key);
            if (parts == null || !(list.get(i + 1) instanceof List<?> fields)) {
                continue;
            }
            String text = null;
            String meta = null;
            double d = 2;
            for (int f = 0; f + 1 < fields.size(); f += 2) {
                String name = str(fields.get(f));
                String value = str(fields.get(f + 1));
                switch (name) {
                    case RedisCacheStore.Q -> text = value;
                    case "m" -> meta = value;
                    case "d" -> d = Double.parseDouble(value);
                    default -> { }
                }
            }
            out.add(new Doc(parts[0] + ":" + parts[1], text, meta, d));
        }
        return out;
    }

    private static String str(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }
}
