package io.promptcache.redis;

import dev.langchain4j.store.embedding.filter.Filter;
import io.promptcache.semantic.SemanticIndex;
import redis.clients.jedis.commands.ProtocolCommand;

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

    static final ProtocolCommand FT_CREATE = new Raw("FT.CREATE");
    static final ProtocolCommand FT_INFO = new Raw("FT.INFO");
    static final ProtocolCommand FT_SEARCH = new Raw("FT.SEARCH");
    static final ProtocolCommand FT_LIST = new Raw("FT._LIST");

    /** A document of an FT.SEARCH reply. */
    record Doc(String id, String tag, String text, String metadataJson, String scope, double distance) {
    }

    /**
     * HNSW parameters of the vector field. {@code efRuntime} is sent with every query: the server's
     * default of 10 gives a recall@1 near 0.3 at 100k vectors, 200 gives 1.0 (see docs/scaling.md).
     *
     * @param m              graph links per node (server default 16)
     * @param efConstruction candidate list size while building (server default 200)
     * @param efRuntime      candidate list size while searching
     */
    public record Hnsw(int m, int efConstruction, int efRuntime) {
        public static final Hnsw DEFAULT = new Hnsw(16, 200, 200);

        public Hnsw {
            if (m < 2 || efConstruction < 1 || efRuntime < 1) {
                throw new IllegalArgumentException("HNSW needs M >= 2, EF_CONSTRUCTION >= 1 and EF_RUNTIME >= 1, was "
                        + m + ", " + efConstruction + ", " + efRuntime);
            }
        }
    }

    static List<String> createIndex(RedisKeys keys, int dimension, Hnsw hnsw) {
        // The number after HNSW counts the attribute words that follow it: 5 name-value pairs.
        return List.of(keys.index(), "ON", "HASH", "PREFIX", "1", keys.entryPrefix(), "SCHEMA",
                RedisCacheStore.S, "TAG", RedisCacheStore.TT, "TAG",
                keys.vectorField(), "VECTOR", "HNSW", "10", "TYPE", "FLOAT32", "DIM", Integer.toString(dimension),
                "DISTANCE_METRIC", "COSINE", "M", Integer.toString(hnsw.m()),
                "EF_CONSTRUCTION", Integer.toString(hnsw.efConstruction()));
    }

    /** The settings an index is built with that a search depends on, as text to record and compare. */
    static String hnswSettings(int dimension, Hnsw hnsw) {
        return "DIM " + dimension + ", M " + hnsw.m() + ", EF_CONSTRUCTION " + hnsw.efConstruction();
    }

    /**
     * The same settings as an FT.INFO reply describes the vector field (Redis 8, Redis Stack 7.2 and later list
     * {@code dim}, {@code M} and {@code ef_construction} among its attributes), or null when it does not.
     */
    static String hnswSettings(Object ftInfo, String vectorField) {
        if (!(ftInfo instanceof List<?> reply)) {
            return null;
        }
        for (int i = 0; i + 1 < reply.size(); i += 2) {
            if (!"attributes".equals(str(reply.get(i))) || !(reply.get(i + 1) instanceof List<?> attributes)) {
                continue;
            }
            for (Object a : attributes) {
                if (!(a instanceof List<?> attribute)) {
                    continue;
                }
                java.util.Map<String, String> fields = new java.util.HashMap<>();
                for (int f = 0; f + 1 < attribute.size(); f += 2) {
                    fields.put(str(attribute.get(f)).toLowerCase(java.util.Locale.ROOT), str(attribute.get(f + 1)));
                }
                if (vectorField.equals(fields.get("identifier")) && fields.containsKey("dim") && fields.containsKey("m")
                        && fields.containsKey("ef_construction")) {
                    return "DIM " + fields.get("dim") + ", M " + fields.get("m") + ", EF_CONSTRUCTION " + fields.get("ef_construction");
                }
            }
        }
        return null;
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

    /**
     * A KNN query with the scope and tenant pre-filter. The vector, K and EF_RUNTIME go in as PARAMS
     * (the vector as a FLOAT32 little-endian blob), so the query text never carries data; DIALECT 2 is
     * what PARAMS and KNN need.
     */
    static List<byte[]> knn(RedisKeys keys, Filter filter, int k, byte[] vector, int efRuntime) {
        int fetch = Math.max(k, 1);
        String query = prefilter(filter) + "=>[KNN $K @" + keys.vectorField() + " $B EF_RUNTIME $EF AS d]";
        List<byte[]> args = new ArrayList<>();
        for (String s : List.of(keys.index(), query, "PARAMS", "6", "K", Integer.toString(fetch), "EF",
                Integer.toString(Math.max(efRuntime, fetch)), "B")) {
            args.add(bytes(s));
        }
        args.add(vector);
        for (String s : List.of("SORTBY", "d", "RETURN", "4", RedisCacheStore.Q, "m", RedisCacheStore.S, "d", "LIMIT", "0",
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
            String scope = null;
            double d = 2;
            for (int f = 0; f + 1 < fields.size(); f += 2) {
                String name = str(fields.get(f));
                String value = str(fields.get(f + 1));
                switch (name) {
                    case RedisCacheStore.Q -> text = value;
                    case "m" -> meta = value;
                    case RedisCacheStore.S -> scope = value;
                    case "d" -> d = Double.parseDouble(value);
                    default -> { }
                }
            }
            out.add(new Doc(parts[0] + ":" + parts[1], parts[0], text, meta, scope, d));
        }
        return out;
    }

    /** A command by name, for the Query Engine commands Jedis has no method for here. */
    private record Raw(String name) implements ProtocolCommand {
        @Override
        public byte[] getRaw() {
            return name.getBytes(StandardCharsets.US_ASCII);
        }
    }

    private static String str(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }
}
