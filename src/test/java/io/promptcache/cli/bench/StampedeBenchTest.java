package io.promptcache.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptcache.testing.Commands;
import io.promptcache.testing.TestRedis;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench stampede} as a user runs it: bursts that make one model call each, and options it refuses. */
class StampedeBenchTest {

    @Test
    void burstsMakeOneModelCallEachOnEveryStoreAndLeaveNothingBehind() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Commands.Run run = Commands.run(new StampedeBench(Commands.to(bytes)),
                "--store", "memory," + TestRedis.url(), "--threads", "12", "--rounds", "4", "--json");
        assertEquals(0, run.code(), run.out());
        JsonNode result = new ObjectMapper().readTree(bytes.toString(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(4, result.get("stores").size(), "memory and redis, blocking and streaming");
        for (JsonNode row : result.get("stores")) {
            assertEquals(4, row.get("distinctQuestions").asInt());
            assertEquals(0, row.get("duplicateCalls").asInt(), row.toString());
            assertEquals(4, row.get("modelCalls").asInt(), row.toString());
            assertEquals(4, row.get("sources").get("llm").asInt(), "one leader per round: " + row);
        }
        assertEquals(0, keysOfTheBench(), "the bench removes what it wrote");
    }

    @Test
    void impossibleOptionsExit2AndTouchNoData() {
        for (List<String> args : List.of(List.of("--threads", "1"), List.of("--rounds", "0"),
                List.of("--model-latency-ms", "-5"), List.of("--mode", "sideways"),
                List.of("--store", "redis://127.0.0.1:notaport"))) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            List<String> all = new java.util.ArrayList<>(List.of("--store", TestRedis.url()));
            all.addAll(args);
            Commands.Run run = Commands.run(new StampedeBench(Commands.to(bytes)),
                    all.toArray(String[]::new));
            assertEquals(2, run.code(), args + ": " + run.out());
            assertTrue(run.out().contains("--"), "the message names the option: " + run.out());
            assertEquals(0, bytes.size(), "nothing measured");
        }
        assertEquals(0, keysOfTheBench());
    }

    private static long keysOfTheBench() {
        return TestRedis.keysUnder(StampedeBench.KEY_PREFIX);
    }
}
