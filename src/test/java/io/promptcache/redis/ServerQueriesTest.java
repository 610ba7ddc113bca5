package io.promptcache.redis;

import io.promptcache.semantic.SemanticIndex;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SERVER mode's commands. The machines here have no Query Engine, so the commands are checked as
 * text against the documented FT.CREATE / FT.SEARCH syntax, and the reply parser on a RESP2 reply.
 */
class ServerQueriesTest {

    final RedisKeys keys = new RedisKeys("pc");
    final String scope = "a".repeat(64);
    final String tenant = "b".repeat(64);

    @Test
    void theIndexIsOnTheEntryHashesWithAnHnswVectorAndTagFields() {
        assertEquals(List.of("pc:idx", "ON", "HASH", "PREFIX", "1", "pc:e:", "SCHEMA", "s", "TAG", "tt", "TAG", "v", "VECTOR",
                "HNSW", "10", "TYPE", "FLOAT32", "DIM", "512", "DISTANCE_METRIC", "COSINE", "M", "24", "EF_CONSTRUCTION", "300"),
                ServerQueries.createIndex(keys, 512, new ServerQueries.Hnsw(24, 300, 150)));
    }

    @Test
    void aKnnQueryCarriesTheScopeAndTenantFilter() {
        var filter = metadataKey(SemanticIndex.SCOPE).isEqualTo(scope).and(metadataKey(SemanticIndex.TENANT).isEqualTo(tenant));
        List<byte[]> args = ServerQueries.knn(keys, filter, 5, new byte[]{1, 2, 3, 4}, 200);
        assertEquals("pc:idx", text(args.get(0)));
        assertEquals("(@s:{" + scope + "} @tt:{" + tenant + "})=>[KNN $K @v $B EF_RUNTIME $EF AS d]", text(args.get(1)));
        assertEquals(List.of("PARAMS", "6", "K", "5", "EF", "200", "B"),
                args.subList(2, 9).stream().map(ServerQueriesTest::text).toList());
        assertEquals(4, args.get(9).length, "the vector goes as binary, never as text");
        assertEquals(List.of("SORTBY", "d", "RETURN", "4", "q", "m", "s", "d", "LIMIT", "0", "5", "DIALECT", "2"),
                args.subList(10, args.size()).stream().map(ServerQueriesTest::text).toList());
    }

    @Test
    void aSecondModelHasItsOwnIndexOnItsOwnVectorField() {
        RedisKeys en = keys.space("en");
        assertEquals(List.of("pc:idx:en", "ON", "HASH", "PREFIX", "1", "pc:e:", "SCHEMA", "s", "TAG", "tt", "TAG", "v_en",
                "VECTOR", "HNSW", "10", "TYPE", "FLOAT32", "DIM", "384", "DISTANCE_METRIC", "COSINE", "M", "16",
                "EF_CONSTRUCTION", "200"), ServerQueries.createIndex(en, 384, ServerQueries.Hnsw.DEFAULT));
        List<byte[]> args = ServerQueries.knn(en, null, 5, new byte[]{1, 2, 3, 4}, 200);
        assertEquals("pc:idx:en", text(args.get(0)));
        assertEquals("*=>[KNN $K @v_en $B EF_RUNTIME $EF AS d]", text(args.get(1)));
        assertEquals(List.of("pc:events:en", "pc:meta:en"), List.of(en.events(), en.meta()));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> keys.space("EN:*"));
    }

    @Test
    void efRuntimeIsNeverBelowK() {
        List<byte[]> args = ServerQueries.knn(keys, null, 50, new byte[]{1, 2, 3, 4}, 10);
        assertEquals("*=>[KNN $K @v $B EF_RUNTIME $EF AS d]", text(args.get(1)));
        assertEquals(List.of("K", "50", "EF", "50"), args.subList(4, 8).stream().map(ServerQueriesTest::text).toList());
    }

    @Test
    void hnswParametersAreChecked() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new ServerQueries.Hnsw(1, 200, 200));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new ServerQueries.Hnsw(16, 200, 0));
    }

    @Test
    void onlyHexValuesEverReachTheQuery() {
        var hostile = metadataKey(SemanticIndex.SCOPE).isEqualTo("x} | @tt:{*").and(metadataKey(SemanticIndex.TENANT).isEqualTo("*"));
        assertEquals("*", ServerQueries.prefilter(hostile), "non-hex values are filtered in the JVM instead");
    }

    @Test
    void aSearchReplyIsParsed() {
        List<Object> reply = List.of(2L,
                bytes("pc:e:{" + tenant + "}:e1"), List.of(bytes("q"), bytes("什么是大模型？"), bytes("m"), bytes("{}"), bytes("d"), bytes("0.04")),
                bytes("not-ours"), List.of(bytes("d"), bytes("0.1")));
        List<ServerQueries.Doc> docs = ServerQueries.parse(reply, keys);
        assertEquals(1, docs.size());
        assertEquals(tenant + ":e1", docs.get(0).id());
        assertEquals("什么是大模型？", docs.get(0).text());
        assertEquals(0.04, docs.get(0).distance(), 1e-9);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @org.junit.jupiter.api.Test
    void theVectorFieldsSettingsAreReadWhereFtInfoListsThem() {
        java.util.List<Object> newer = java.util.List.of("index_name", "pc:idx", "attributes", java.util.List.of(
                java.util.List.of("identifier", "s", "attribute", "s", "type", "TAG"),
                java.util.List.of("identifier", "v", "attribute", "v", "type", "VECTOR", "algorithm", "HNSW", "data_type",
                        "FLOAT32", "dim", 512, "distance_metric", "COSINE", "M", 16, "ef_construction", 200)));
        org.junit.jupiter.api.Assertions.assertEquals("DIM 512, M 16, EF_CONSTRUCTION 200", ServerQueries.hnswSettings(newer, "v"));
        org.junit.jupiter.api.Assertions.assertEquals(ServerQueries.hnswSettings(512, new ServerQueries.Hnsw(16, 200, 10)),
                ServerQueries.hnswSettings(newer, "v"), "recorded and read settings compare as text");
        java.util.List<Object> older = java.util.List.of("attributes", java.util.List.of(
                java.util.List.of("identifier", "v", "attribute", "v", "type", "VECTOR")));
        org.junit.jupiter.api.Assertions.assertNull(ServerQueries.hnswSettings(older, "v"), "RediSearch 2.6 does not list them");
        org.junit.jupiter.api.Assertions.assertNull(ServerQueries.hnswSettings(newer, "v_en"));
    }
}
