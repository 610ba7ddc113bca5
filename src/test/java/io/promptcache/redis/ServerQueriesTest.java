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
                "HNSW", "6", "TYPE", "FLOAT32", "DIM", "512", "DISTANCE_METRIC", "COSINE"), ServerQueries.createIndex(keys, 512));
    }

    @Test
    void aKnnQueryCarriesTheScopeAndTenantFilter() {
        var filter = metadataKey(SemanticIndex.SCOPE).isEqualTo(scope).and(metadataKey(SemanticIndex.TENANT).isEqualTo(tenant));
        List<byte[]> args = ServerQueries.knn(keys, filter, 5, new byte[]{1, 2, 3, 4});
        assertEquals("pc:idx", text(args.get(0)));
        assertEquals("(@s:{" + scope + "} @tt:{" + tenant + "})=>[KNN 20 @v $B AS d]", text(args.get(1)));
        assertEquals(List.of("PARAMS", "2", "B"), args.subList(2, 5).stream().map(ServerQueriesTest::text).toList());
        assertEquals(4, args.get(5).length, "the vector goes as binary, never as text");
        assertTrue(args.stream().map(ServerQueriesTest::text).toList().containsAll(List.of("DIALECT", "2", "SORTBY", "d")));
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
}
