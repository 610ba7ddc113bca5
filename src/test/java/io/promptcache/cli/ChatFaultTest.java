package io.promptcache.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.promptcache.deepseek.DeepSeekSimulator;
import io.promptcache.testing.CliProcess;
import io.promptcache.testing.FakeOllama;
import io.promptcache.testing.RedisProcess;
import io.promptcache.testing.SimulatedDeepSeek;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The CLI's cells of the fault matrix: the command a user runs, in its own JVM, with Redis processes,
 * the Ollama fake and the DeepSeek simulator over HTTP. Start-up never fails on a cache dependency,
 * every line is answered, the exact tier works whenever its store does, health is said once on stderr,
 * and the cache comes back by itself. (What the engine does under each fault is in FaultMatrixTest.)
 */
class ChatFaultTest {

    @ParameterizedTest(name = "store {0}")
    @ValueSource(strings = {"memory", "redis"})
    void aDeadOllamaAtStartCostsOnlyTheSemanticTier(String store) throws Exception {
        int deadPort = RedisProcess.freePort();
        try (RedisProcess redis = RedisProcess.start();
             SimulatedDeepSeek model = new SimulatedDeepSeek();
             CliProcess cli = CliProcess.chat(env(model), "--embedder", "ollama", "--ollama-url",
                     "http://127.0.0.1:" + deadPort, "--store", store.equals("memory") ? "memory" : redis.url())) {
            assertEquals("llm", cli.ask("什么是大模型？").get("source").asText());
            cli.newConversation();
            JsonNode again = cli.ask("什么是大模型？");
            assertEquals("exact", again.get("source").asText(), "the exact tier does not need the embedder");
            assertEquals(0, cli.finish());
            String err = cli.stderrText();
            assertTrue(err.contains("http://127.0.0.1:" + deadPort), "the warning names the URL:\n" + err);
            assertEquals(1, count(err, "promptcache: cache embedder degraded"), "health is said once:\n" + err);
            assertFalse(err.contains("\tat "), "no stack trace:\n" + err);
            assertEquals(1, model.calls());
        }
    }

    @Test
    void redisDownAtStartPassesThroughAndIsUsedOnceItAnswers() throws Exception {
        int port = RedisProcess.freePort();
        try (FakeOllama ollama = new FakeOllama();
             SimulatedDeepSeek model = new SimulatedDeepSeek();
             CliProcess cli = CliProcess.chat(env(model), "--embedder", "ollama", "--ollama-url", ollama.baseUrl(),
                     "--ollama-model", "fake-embed", "--embedding-dimension", Integer.toString(FakeOllama.DIMENSION),
                     "--store", "redis://127.0.0.1:" + port + "/0")) {
            assertEquals("llm", cli.ask("什么是大模型？").get("source").asText());
            cli.newConversation();
            assertEquals("llm", cli.ask("什么是大模型？").get("source").asText(), "answered, uncached");
            try (RedisProcess redis = RedisProcess.startOn(port, java.nio.file.Files.createTempDirectory("pc-cli"))) {
                awaitExact(cli, "什么是缓存？");
                assertEquals(0, cli.finish());
                assertTrue(cli.stderrText().contains("127.0.0.1:" + port), cli.stderrText());
                assertTrue(cli.stderrText().contains("promptcache: cache store is back"), cli.stderrText());
            }
        }
    }

    @Test
    void redisAndOllamaKilledMidRunAndBackAgain() throws Exception {
        try (RedisProcess redis = RedisProcess.start();
             FakeOllama ollama = new FakeOllama();
             SimulatedDeepSeek model = new SimulatedDeepSeek();
             CliProcess cli = CliProcess.chat(env(model), "--embedder", "ollama", "--ollama-url", ollama.baseUrl(),
                     "--ollama-model", "fake-embed", "--embedding-dimension", Integer.toString(FakeOllama.DIMENSION),
                     "--store", redis.url())) {
            assertEquals("llm", cli.ask("什么是大模型？").get("source").asText());
            cli.newConversation();
            assertEquals("semantic", cli.ask("大模型是什么？").get("source").asText());

            ollama.stop();
            cli.newConversation();
            assertEquals("exact", cli.ask("什么是大模型？").get("source").asText(), "Ollama gone: exact still works");
            cli.newConversation();
            JsonNode noEmbedder = cli.ask("什么是向量？");
            assertEquals("llm", noEmbedder.get("source").asText());

            redis.stop();
            cli.newConversation();
            JsonNode noRedis = cli.ask("什么是大模型？");
            assertEquals("llm", noRedis.get("source").asText(), "Redis gone: answered by the model");
            assertTrue(noRedis.get("degraded").toString().contains("store"), noRedis.toString());

            redis.restart();
            ollama.start();
            awaitExact(cli, "什么是索引？");
            assertEquals(0, cli.finish());
            String err = cli.stderrText();
            assertEquals(1, count(err, "promptcache: cache embedder degraded"), err);
            assertEquals(1, count(err, "promptcache: cache store degraded"), err);
        }
    }

    @Test
    void aModelFaultFailsThatLineOnlyAndIsNeverCached() throws Exception {
        try (SimulatedDeepSeek model = new SimulatedDeepSeek(DeepSeekSimulator.builder()
                .faults(q -> q.contains("故障") ? DeepSeekSimulator.Fault.SERVER_ERROR : DeepSeekSimulator.Fault.NONE));
             CliProcess cli = CliProcess.chat(env(model), "--embedder", "inprocess")) {
            assertEquals("llm", cli.ask("什么是大模型？").get("source").asText());
            cli.newConversation();
            JsonNode failed = cli.ask("模型故障时会怎样？");
            assertEquals("error", failed.get("source").asText());
            assertTrue(failed.get("error").asText().contains("simulated server error"), failed.toString());
            cli.newConversation();
            assertEquals("error", cli.ask("模型故障时会怎样？").get("source").asText(), "a failure is never cached");
            cli.newConversation();
            assertEquals("exact", cli.ask("什么是大模型？").get("source").asText());
            assertEquals(ChatCommand.MODEL_FAILED, cli.finish());
        }
    }

    /** Asks fresh questions until the cache works again, then checks that a repeat is an exact hit. */
    private static void awaitExact(CliProcess cli, String question) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        for (int i = 0; System.nanoTime() < deadline; i++) {
            cli.newConversation();
            String q = question + i;
            cli.ask(q);
            cli.newConversation();
            if ("exact".equals(cli.ask(q).get("source").asText())) {
                return;
            }
            Thread.sleep(300);
        }
        fail("the cache did not come back within 20 s");
    }

    private static Map<String, String> env(SimulatedDeepSeek model) {
        return Map.of("DEEPSEEK_API_KEY", "sk-test", "DEEPSEEK_BASE_URL", model.simulator.baseUrl());
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
