package io.promptcache.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo script of the README, run through the real command with the offline simulator. */
class ChatCommandTest {

    static List<JsonNode> run(Path script, String... extra) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        List<String> args = new ArrayList<>(List.of("--offline", "--json", "--sim-ttft-ms", "0",
                "--sim-tokens-per-second", "0", "--script", script.toString()));
        args.addAll(List.of(extra));
        int code = new CommandLine(new ChatCommand(out, Map.of())).execute(args.toArray(String[]::new));
        assertEquals(0, code);
        List<JsonNode> turns = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                turns.add(json.readTree(line));
            }
        }
        return turns;
    }

    @Test
    void demoScriptReportsWhereEachAnswerCameFrom(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("script.txt");
        Files.writeString(script, "什么是大模型？\n\n大模型是什么？\n\n什么是大模型？\n\n如何开通会员\n\n如何取消会员\n");
        List<JsonNode> turns = run(script);
        assertEquals(List.of("llm", "semantic", "exact", "llm", "llm"),
                turns.stream().map(t -> t.get("source").asText()).toList());
        JsonNode semantic = turns.get(1);
        assertEquals("什么是大模型？", semantic.get("matchedQuestion").asText());
        assertTrue(semantic.get("similarity").asDouble() > 0.9);
        assertTrue(turns.get(0).get("similarity").isNull());
        assertEquals(List.of(1, 2, 3, 4, 5), turns.stream().map(t -> t.get("conversation").asInt()).toList());
        for (String field : List.of("conversation", "turn", "user", "question", "answer", "source", "similarity",
                "matchedQuestion", "latencyMs", "promptCacheHitTokens", "promptCacheMissTokens")) {
            assertTrue(turns.get(0).has(field), field);
        }
        assertTrue(turns.get(0).get("promptCacheMissTokens").asInt() > 0);
        assertEquals(0, turns.get(2).get("promptCacheMissTokens").asInt(), "a cache hit costs no provider tokens");
    }

    @Test
    void metricsEndTheSessionInPrometheusText(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("script.txt");
        Files.writeString(script, "什么是大模型？\n\n大模型是什么？\n\n什么是大模型？\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = new CommandLine(new ChatCommand(new PrintStream(bytes, true, StandardCharsets.UTF_8), Map.of()))
                .execute("--offline", "--sim-ttft-ms", "0", "--sim-tokens-per-second", "0", "--metrics", "--script", script.toString());
        assertEquals(0, code);
        String text = bytes.toString(StandardCharsets.UTF_8);
        for (String source : List.of("llm", "semantic", "exact")) {
            assertTrue(text.contains("promptcache_requests_total{shared=\"false\",source=\"" + source + "\"} 1.0"), text);
        }
    }

    @Test
    void aConversationKeepsItsTurnsAndItsMemory(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("script.txt");
        Files.writeString(script, "介绍一下北京\n它有多少人口？\n\n介绍一下北京\n它有多少人口？\n");
        List<JsonNode> turns = run(script, "--user", "alice");
        assertEquals(List.of(1, 2, 1, 2), turns.stream().map(t -> t.get("turn").asInt()).toList());
        assertEquals("alice", turns.get(0).get("user").asText());
        // The second conversation repeats the first word for word, so both its turns are exact hits.
        assertEquals(List.of("llm", "llm", "exact", "exact"), turns.stream().map(t -> t.get("source").asText()).toList());
    }

    @Test
    void theSelfCalibrationDemoLearnsAThresholdFromTheSimulatedJudgeAndServesBelowTheShippedOne() throws Exception {
        // The README's command: our own pairs file, the simulator judging as its labels say.
        List<JsonNode> lines = run(Path.of("src/main/resources/quality/calibration-demo.txt"),
                "--judge-labels", "src/main/resources/quality/calibration-demo-pairs.tsv", "--verifiers", "guards",
                "--max-wrong-share", "0.1", "--min-judged", "30");
        List<Integer> notes = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).has("command")) {
                notes.add(i);
            }
        }
        assertEquals(2, notes.size());
        assertTrue(lines.get(notes.get(1)).get("message").asText().contains("zh: serving"), lines.get(notes.get(1)).toString());
        List<JsonNode> after = lines.subList(notes.get(0) + 1, notes.get(1));
        long below = after.stream().filter(t -> t.get("source").asText().equals("semantic")
                && t.get("similarity").asDouble() < 0.955).count();
        assertTrue(below >= 2, "paraphrases served below the shipped 0.955, at the learnt threshold: " + after);
    }

    @Test
    void theSelfCalibrationDemoLearnsTheSameOnEveryRun() throws Exception {
        List<String> first = demoTrace();
        assertEquals(first, demoTrace(), "a script run waits for the judge after each line and seeds its sample");
        assertTrue(first.stream().anyMatch(l -> l.contains("zh: serving, threshold 0.9441")), String.join("\n", first));
    }

    /** Where each answer of the README's self-calibration demo came from, and the calibration notes. */
    static List<String> demoTrace(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--judge-labels", "src/main/resources/quality/calibration-demo-pairs.tsv",
                "--verifiers", "guards", "--max-wrong-share", "0.1", "--min-judged", "30"));
        args.addAll(List.of(extra));
        List<String> trace = new ArrayList<>();
        for (JsonNode line : run(Path.of("src/main/resources/quality/calibration-demo.txt"), args.toArray(String[]::new))) {
            trace.add(line.has("source") ? line.get("source").asText() + " " + line.get("similarity").asText()
                    : line.get("message").asText());
        }
        return trace;
    }
}
