package io.promptcache.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptcache.testing.CliProcess;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bench gateway} runs end to end: nginx and the gateway both hit after priming (the bench refuses to measure
 * otherwise), wrk's figures are read, the misses are timed. Behaviour only: no figure is compared to a threshold.
 * Skipped, saying why, on a machine without nginx or wrk (.ci/run installs both).
 */
class GatewayBenchTest {

    private static boolean onPath(String name) {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void itMeasuresBothCachesAfterBothHitAndReportsTheRatio() throws Exception {
        for (String tool : List.of("nginx", "wrk")) {
            if (!onPath(tool)) {
                System.out.println("GatewayBenchTest skipped: " + tool + " is not installed (apt-get install nginx-light wrk)");
            }
            Assumptions.assumeTrue(onPath(tool), tool + " is not installed");
        }
        CliProcess.Result r = CliProcess.run(Map.of(), "bench", "gateway", "--seconds", "1", "--rounds", "1",
                "--warmup-seconds", "0", "--misses", "5", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode result = new ObjectMapper().readTree(r.out());
        assertTrue(result.path("nginx").path("requestsPerSecond").asDouble() > 0, r.out());
        assertTrue(result.path("gateway").path("requestsPerSecond").asDouble() > 0, r.out());
        assertTrue(result.path("throughputRatio").asDouble() > 0, r.out());
        assertEquals(5, result.path("missDirect").path("n").asInt(), r.out());
        assertTrue(result.path("missThroughGateway").path("n").asInt() > 0, r.out());
        assertTrue(result.path("upstreamCalls").asInt() >= 5 + 2, "the misses went upstream: " + r.out());
    }
}
