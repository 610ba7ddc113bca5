package io.promptcache.cli;

import io.promptcache.testing.CliProcess;
import io.promptcache.testing.RedisProcess;
import io.promptcache.testing.SimulatedDeepSeek;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the CLI writes on stderr when a dependency is down, read from the command run in its own JVM with its own
 * logging set-up: one line per degradation in words, no library log line, and never a note inside a progress line.
 */
class StderrTest {

    @Test
    void aStampedeOnADeadRedisSaysSoOnceAndNeverInsideItsProgressLine() throws Exception {
        String dead = "redis://127.0.0.1:" + RedisProcess.freePort();
        CliProcess.Result r = CliProcess.run(Map.of(), "bench", "stampede", "--store", dead, "--rounds", "3", "--threads", "4",
                "--mode", "blocking", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("{\"stores\":["), "stdout is the JSON alone: " + r.out());
        Pattern progress = Pattern.compile("Redis at 127\\.0\\.0\\.1:\\d+ blocking: round \\d/3 *");
        int degraded = 0;
        for (String line : r.err().split("\n")) {
            if (line.startsWith("promptcache: ")) {
                assertFalse(line.contains("\r"), "a note shares its line with progress: " + line);
                degraded += line.startsWith("promptcache: cache store degraded (Redis at 127.0.0.1:") ? 1 : 0;
                continue;
            }
            for (String segment : line.split("\r")) {
                assertTrue(segment.isEmpty() || progress.matcher(segment).matches(),
                        "something other than progress inside the progress line: '" + segment + "'\n" + r.err());
            }
        }
        assertEquals(1, degraded, r.err());
        assertFalse(r.err().contains("WARN"), r.err());
    }

    @Test
    void aChatOnADeadRedisSaysItOnceInWords(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("script.txt");
        Files.writeString(script, "什么是大模型？\n\n什么是大模型？\n");
        int port = RedisProcess.freePort();
        try (SimulatedDeepSeek model = new SimulatedDeepSeek()) {
            CliProcess.Result r = CliProcess.run(Map.of("DEEPSEEK_BASE_URL", model.simulator.baseUrl(), "DEEPSEEK_API_KEY", "sk-test"),
                    "chat", "--json", "--script", script.toString(), "--store", "redis://127.0.0.1:" + port);
            assertEquals(0, r.code(), r.err());
            List<String> lines = r.err().lines().filter(l -> !l.startsWith("-- session") && !l.startsWith("   ")).toList();
            assertEquals(List.of("promptcache: cache store degraded (Redis at 127.0.0.1:" + port
                    + " does not answer); answers go to the model uncached where they need it"), lines, r.err());
            assertEquals(2, r.out().lines().count(), "both lines answered: " + r.out());
        }
    }
}
