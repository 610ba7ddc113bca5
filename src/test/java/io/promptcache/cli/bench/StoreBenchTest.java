package io.promptcache.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptcache.testing.Commands;
import io.promptcache.testing.TestRedis;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench store} as a user runs it: its rows, what it refuses, and that it leaves nothing behind. */
class StoreBenchTest {

    @Test
    void printsARowPerThreadCountAndRoundTripSettingAndRemovesItsKeys() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Commands.Run run = Commands.run(new StoreBench(Commands.to(bytes)), "--store", TestRedis.url(), "--json",
                "--threads", "1,3", "--seconds", "1", "--hit-round-trips", "1,2", "--sizes", "300", "--queries", "20");
        assertEquals(0, run.code(), run.out());
        List<JsonNode> rows = new ArrayList<>();
        for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                rows.add(new ObjectMapper().readTree(line));
            }
        }
        List<String> exact = new ArrayList<>();
        for (JsonNode row : rows) {
            if (row.get("bench").asText().equals("exact")) {
                exact.add(row.get("threads").asInt() + "/" + row.get("hitRoundTrips").asInt());
                assertEquals(1, row.get("commandsPerHit").asInt(), "one HMGET on the caller's path: " + row);
                assertTrue(row.get("hitsPerSecond").asLong() > 0, row.toString());
            }
        }
        assertEquals(List.of("1/1", "1/2", "3/1", "3/2"), exact, "one row per thread count and setting, in order");
        JsonNode local = rows.stream().filter(r -> r.get("bench").asText().equals("semantic")
                && "LOCAL".equals(r.path("mode").asText())).findFirst().orElseThrow();
        assertEquals(300, local.get("entries").asInt());
        assertEquals(1.0, local.get("recallAt1").asDouble(), "an exact scan finds the source vector: " + local);
        assertEquals(0, keysOfTheBench(), "the bench removes what it wrote");
    }

    @Test
    void impossibleSettingsExit2BeforeWritingAnything() {
        for (List<String> args : List.of(List.of("--hit-round-trips", "2,0"), List.of("--hnsw-ef-runtime", "200,0"))) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            List<String> all = new ArrayList<>(List.of("--store", TestRedis.url()));
            all.addAll(args);
            Commands.Run run = Commands.run(new StoreBench(Commands.to(bytes)), all.toArray(String[]::new));
            assertEquals(2, run.code(), args + ": " + run.out());
            assertTrue(run.out().contains(args.get(0).equals("--hit-round-trips") ? "--hit-round-trips" : "EF_RUNTIME"), run.out());
            assertEquals(0, bytes.size());
        }
        assertEquals(0, keysOfTheBench());
    }

    private static long keysOfTheBench() {
        return TestRedis.keysUnder("pcbench");
    }
}
