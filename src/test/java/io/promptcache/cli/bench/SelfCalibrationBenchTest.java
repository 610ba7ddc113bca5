package io.promptcache.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptcache.testing.Commands;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench self-calibration} on our own small pairs file: the report's promises, and options it refuses. */
class SelfCalibrationBenchTest {

    static final String PAIRS = "src/main/resources/quality/calibration-demo-pairs.tsv";

    @Test
    void everySeedIsJudgedOnItsHoldoutAgainstTheHindsightOracle() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Commands.Run run = Commands.run(new SelfCalibrationBench(Commands.to(bytes)), "--pairs", PAIRS, "--no-cache",
                "--verifiers", "guards", "--max-wrong-share", "0.2", "--judge-noise", "0", "--judged", "100", "--seeds", "4",
                "--json");
        assertEquals(0, run.code(), run.out());
        JsonNode r = new ObjectMapper().readTree(bytes.toString(StandardCharsets.UTF_8));
        assertEquals(4, r.get("seeds").asInt());
        assertEquals(4, r.get("perSeed").size());
        int within = 0;
        int overBound = 0;
        for (JsonNode seed : r.get("perSeed")) {
            boolean ok = seed.get("holdoutWrongShare").asDouble() <= 0.2;
            assertEquals(ok, seed.get("withinBound").asBoolean(), seed.toString());
            within += ok ? 1 : 0;
            assertTrue(seed.get("judgedPairs").asInt() <= 30, "at most the stream half is judged: " + seed);
            if (ok) {
                assertTrue(seed.get("oracleServed").asDouble() >= seed.get("holdoutServed").asDouble(),
                        "hindsight serves at least what any threshold within the bound serves: " + seed);
            }
            if (seed.get("threshold").isNull()) {
                assertEquals(0.0, seed.get("holdoutServed").asDouble(), "no threshold serves nothing");
            }
            JsonNode ci = seed.get("holdoutWrongShareInterval");
            if (seed.get("holdoutServed").asDouble() == 0) {
                assertTrue(ci.isNull(), "nothing served has no interval: " + seed);
            } else {
                double share = seed.get("holdoutWrongShare").asDouble();
                assertTrue(ci.get(0).asDouble() <= share && share <= ci.get(1).asDouble() && ci.get(1).asDouble() <= 1,
                        "the holdout's own interval holds its wrong share: " + seed);
                overBound += ci.get(0).asDouble() > 0.2 ? 1 : 0;
            }
        }
        assertEquals(within, r.get("seedsWithinBound").asInt());
        assertEquals(overBound, r.get("seedsWhoseHoldoutIntervalIsAboveTheBound").asInt());
        int everyLook = 0;
        for (JsonNode seed : r.get("perSeed")) {
            boolean ok = seed.get("worstLookWrongShare").asDouble() <= 0.2;
            assertEquals(ok, seed.get("withinBoundAtEveryLook").asBoolean(), seed.toString());
            assertTrue(seed.get("worstLookWrongShare").asDouble() >= seed.get("holdoutWrongShare").asDouble(),
                    "the last look is one of the looks: " + seed);
            everyLook += ok ? 1 : 0;
        }
        assertEquals(everyLook, r.get("seedsWithinBoundAtEveryLook").asInt());
        assertTrue(r.get("wholeFileCeiling").asDouble() <= r.get("wholeFileAtBound").asDouble(),
                "a margin for holdout noise never serves more: " + r);
        assertTrue(r.get("wholeFileCeilingWrongShare").asDouble() <= 0.2, r.toString());
        assertTrue(r.has("medianServed") && r.has("oracleStaticServed") && r.has("shippedServed") && r.has("shippedWrongShare"));
    }

    @Test
    void aDriftRunScoresWhatIsServedAfterTheSwitchOnTheSecondFile() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Commands.Run run = Commands.run(new SelfCalibrationBench(Commands.to(bytes)), "--pairs", PAIRS, "--drift", PAIRS,
                "--no-cache", "--verifiers", "guards", "--max-wrong-share", "0.2", "--judge-noise", "0", "--judged", "100",
                "--seeds", "3", "--anytime-valid", "--json");
        assertEquals(0, run.code(), run.out());
        JsonNode r = new ObjectMapper().readTree(bytes.toString(StandardCharsets.UTF_8));
        assertTrue(r.get("anytimeValid").asBoolean());
        int after = 0;
        for (JsonNode seed : r.get("perSeed")) {
            for (String field : List.of("afterSwitchWrongShare", "afterSwitchServed", "afterSwitchWorstLookWrongShare")) {
                assertTrue(seed.has(field), field + " in " + seed);
            }
            boolean ok = seed.get("afterSwitchWorstLookWrongShare").asDouble() <= 0.2;
            assertEquals(ok, seed.get("afterSwitchWithinBoundAtEveryLook").asBoolean());
            after += ok ? 1 : 0;
        }
        assertEquals(after, r.get("seedsWithinBoundAfterSwitchAtEveryLook").asInt());
    }

    @Test
    void impossibleOptionsExit2NamingTheSetting() {
        for (List<String> args : List.of(List.of("--pairs", PAIRS, "--seeds", "0"),
                List.of("--pairs", PAIRS, "--max-wrong-share", "0.6"),
                List.of("--pairs", PAIRS, "--judge-noise", "0.5"),
                List.of("--pairs", PAIRS, "--judged", "0"),
                List.of("--pairs", PAIRS, "--stream", PAIRS, "--holdout", PAIRS),
                List.of("--stream", PAIRS),
                List.of("--pairs", PAIRS, "--verifiers", "most"))) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            Commands.Run run = Commands.run(new SelfCalibrationBench(Commands.to(bytes)), args.toArray(String[]::new));
            assertEquals(2, run.code(), args + ": " + run.out());
            assertEquals(0, bytes.size(), "nothing measured: " + args);
        }
    }
}
