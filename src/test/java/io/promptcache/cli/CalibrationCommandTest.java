package io.promptcache.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptcache.calibration.CalibrationPhase;
import io.promptcache.calibration.CalibrationState;
import io.promptcache.calibration.JudgedPair;
import io.promptcache.redis.RedisCacheStore;
import io.promptcache.testing.Commands;
import io.promptcache.testing.TestRedis;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code promptcache calibration status|reset} on a shared Redis, as an operator runs it. */
class CalibrationCommandTest {

    @Test
    void statusShowsWhatEveryInstanceServesWithAndResetSendsASpaceBackToShadow() throws Exception {
        String prefix = TestRedis.prefix();
        try (RedisCacheStore store = RedisCacheStore.builder().config(TestRedis.config(prefix)).build()) {
            var calibration = store.calibrationStore();
            for (int i = 0; i < 120; i++) {
                calibration.appendPair("zh", JudgedPair.judged(0.95 + i * 0.0004, true, i != 3).encode(), 4000);
            }
            calibration.addJudgeCalls("zh", 125);
            calibration.saveState("zh", new CalibrationState("bge-small-zh-v1.5-q", 512, CalibrationPhase.SERVING, 0.9512,
                    0.043, 120, 1, 125, 1).toJson());

            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            Commands.Run run = Commands.run(new CalibrationCommand(Commands.to(bytes)), "status", "--store", TestRedis.url(),
                    "--key-prefix", prefix, "--json");
            assertEquals(0, run.code(), run.out());
            JsonNode zh = new ObjectMapper().readTree(bytes.toString(StandardCharsets.UTF_8)).get("spaces").get(0);
            assertEquals("zh", zh.get("space").asText());
            assertEquals("SERVING", zh.get("phase").asText());
            assertEquals(0.9512, zh.get("threshold").asDouble(), 1e-9);
            assertEquals(120, zh.get("judgedPairs").asInt());
            assertEquals(1, zh.get("judgedWrong").asInt());
            assertEquals(125, zh.get("judgeCalls").asInt());
            int binned = 0;
            int binnedWrong = 0;
            for (JsonNode bin : zh.get("cosineHistogram")) {
                assertTrue(bin.get("to").asDouble() - bin.get("from").asDouble() <= 0.0100001, bin.toString());
                binned += bin.get("judged").asInt();
                binnedWrong += bin.get("wrong").asInt();
            }
            assertEquals(120, binned, "every judged pair in one bin");
            assertEquals(1, binnedWrong);
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            Commands.run(new CalibrationCommand(Commands.to(text)), "status", "--histogram", "--store", TestRedis.url(),
                    "--key-prefix", prefix);
            assertTrue(text.toString(StandardCharsets.UTF_8).contains("space zh: judged pairs by cosine"), text.toString());

            assertEquals(2, Commands.run(new CalibrationCommand(Commands.to(new ByteArrayOutputStream())), "reset",
                    "--store", TestRedis.url(), "--key-prefix", prefix).code(), "reset needs --space");
            assertEquals(2, Commands.run(new CalibrationCommand(Commands.to(new ByteArrayOutputStream())), "forget",
                    "--store", TestRedis.url(), "--key-prefix", prefix).code());
            assertTrue(calibration.state("zh").isPresent(), "a refused command changes nothing");

            run = Commands.run(new CalibrationCommand(Commands.to(new ByteArrayOutputStream())), "reset", "--space", "zh",
                    "--store", TestRedis.url(), "--key-prefix", prefix);
            assertEquals(0, run.code(), run.out());
            assertTrue(calibration.state("zh").isEmpty());
            assertTrue(calibration.pairs("zh").isEmpty());
            assertEquals(0, calibration.addJudgeCalls("zh", 0));
            assertTrue(calibration.spaces().isEmpty());
        } finally {
            try (var jedis = TestRedis.config(prefix).connect()) {
                TestRedis.clean(jedis, prefix);
            }
        }
    }

    @Test
    void statusListsEverySpaceAnInstanceCalibratesEvenOneThatJudgedNothingYet() throws Exception {
        String prefix = TestRedis.prefix();
        try {
            ChatCommandTest.demoTrace("--store", TestRedis.url(), "--key-prefix", prefix);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            Commands.Run run = Commands.run(new CalibrationCommand(Commands.to(bytes)), "status", "--store", TestRedis.url(),
                    "--key-prefix", prefix, "--json");
            assertEquals(0, run.code(), run.out());
            JsonNode spaces = new ObjectMapper().readTree(bytes.toString(StandardCharsets.UTF_8)).get("spaces");
            assertEquals(2, spaces.size(), spaces.toString());
            JsonNode en = spaces.get(0);
            assertEquals("en", en.get("space").asText());
            assertEquals("SHADOW", en.get("phase").asText());
            assertEquals(0, en.get("judgedPairs").asInt());
            JsonNode zh = spaces.get(1);
            assertEquals("zh", zh.get("space").asText());
            assertEquals("SERVING", zh.get("phase").asText());

            ByteArrayOutputStream text = new ByteArrayOutputStream();
            Commands.run(new CalibrationCommand(Commands.to(text)), "status", "--store", TestRedis.url(), "--key-prefix", prefix);
            assertTrue(text.toString(StandardCharsets.UTF_8).lines().anyMatch(l -> l.startsWith("en ") && l.contains("SHADOW")),
                    text.toString(StandardCharsets.UTF_8));
        } finally {
            try (var jedis = TestRedis.config(prefix).connect()) {
                TestRedis.clean(jedis, prefix);
            }
        }
    }
}
