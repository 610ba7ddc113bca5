package io.promptcache.springapp;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.promptcache.CacheScope;
import io.promptcache.CacheSource;
import io.promptcache.CachingChatModel;
import io.promptcache.CachingStreamingChatModel;
import io.promptcache.spring.PromptCacheEndpoint;
import io.promptcache.testing.RedisProcess;
import io.promptcache.testing.SimulatedDeepSeek;
import io.promptcache.testing.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real Spring Boot applications with the real langchain4j-open-ai-spring-boot-starter pointed at the DeepSeek
 * simulator over HTTP, an @AiService, and only properties: PromptCache wraps the starter's models.
 */
class SpringBootStarterTest {

    static SimulatedDeepSeek deepSeek;

    @BeforeAll
    static void start() {
        deepSeek = new SimulatedDeepSeek();
    }

    @AfterAll
    static void stop() {
        deepSeek.close();
    }

    static ConfigurableApplicationContext app(String... properties) {
        return app(new Class<?>[]{TestApplication.class}, properties);
    }

    static ConfigurableApplicationContext app(Class<?>[] sources, String... properties) {
        List<String> all = new ArrayList<>(List.of(
                "langchain4j.open-ai.chat-model.base-url=" + deepSeek.simulator.baseUrl(),
                "langchain4j.open-ai.chat-model.api-key=sk-test",
                "langchain4j.open-ai.chat-model.model-name=deepseek-chat",
                "langchain4j.open-ai.streaming-chat-model.base-url=" + deepSeek.simulator.baseUrl(),
                "langchain4j.open-ai.streaming-chat-model.api-key=sk-test",
                "langchain4j.open-ai.streaming-chat-model.model-name=deepseek-chat",
                "spring.jmx.enabled=true",
                // Generous budgets: these tests check behaviour, not speed, and the first may load the embedder.
                "promptcache.lookup-timeout=10s",
                "promptcache.write-timeout=10s",
                "management.endpoints.jmx.exposure.include=promptcache",
                "logging.level.root=WARN"));
        all.addAll(List.of(properties));
        return new SpringApplicationBuilder(sources).web(WebApplicationType.NONE)
                .properties(all.toArray(String[]::new)).run();
    }

    static CacheSource ask(Assistant assistant, String question) {
        try (CacheScope scope = CacheScope.open("acme")) {
            assistant.chat(question);
            return scope.lastOutcome().orElseThrow().source();
        }
    }

    static CacheSource stream(Assistant assistant, String question) throws Exception {
        try (CacheScope scope = CacheScope.open("acme")) {
            CompletableFuture<Object> done = new CompletableFuture<>();
            assistant.stream(question).onPartialResponse(t -> { }).onCompleteResponse(done::complete)
                    .onError(done::completeExceptionally).start();
            done.get(10, TimeUnit.SECONDS);
            return scope.lastOutcome().orElseThrow().source();
        }
    }

    @ParameterizedTest(name = "store {0}")
    @ValueSource(strings = {"memory", "redis"})
    void anAiServiceGetsExactAndSemanticHitsWithPropertiesOnly(String store) throws Exception {
        String prefix = TestRedis.prefix();
        try (ConfigurableApplicationContext ctx = app("promptcache.store.url=" + (store.equals("memory") ? "memory" : TestRedis.url()),
                "promptcache.store.key-prefix=" + prefix)) {
            assertInstanceOf(CachingChatModel.class, ctx.getBean(ChatModel.class), "the starter's model is wrapped");
            assertInstanceOf(CachingStreamingChatModel.class, ctx.getBean(StreamingChatModel.class));
            Assistant assistant = ctx.getBean(Assistant.class);
            assertEquals(CacheSource.LLM, ask(assistant, "什么是大模型？"));
            assertEquals(CacheSource.EXACT, ask(assistant, "什么是大模型？"));
            assertEquals(CacheSource.SEMANTIC, ask(assistant, "大模型是什么？"));
            assertEquals(CacheSource.LLM, stream(assistant, "什么是向量数据库？"));
            assertEquals(CacheSource.EXACT, stream(assistant, "什么是向量数据库？"), "the streaming model is cached too");

            MeterRegistry meters = ctx.getBean(MeterRegistry.class);
            assertEquals(1.0, meters.get("promptcache.requests").tags("bean", "openAiChatModel", "source", "exact")
                    .functionCounter().count());
            assertEquals(1.0, meters.get("promptcache.requests").tags("bean", "openAiChatModel", "source", "semantic")
                    .functionCounter().count());

            assertTrue(meters.get("promptcache.call").tags("source", "semantic").timer().count() >= 1,
                    "every call is an observation, tagged with its source");
            assertTrue(meters.find("promptcache.tenant.requests").meters().isEmpty(), "no tenant tag unless asked for");

            PromptCacheEndpoint endpoint = ctx.getBean(PromptCacheEndpoint.class);
            Map<String, Object> read = endpoint.read();
            assertTrue(read.toString().contains("exactHits=1") && read.toString().contains("semanticHits=1"), read.toString());
            assertTrue(read.toString().contains("tenant=acme"), read.toString());
            assertTrue(((Number) endpoint.delete("acme", null).get("removed")).longValue() >= 2);
            assertEquals(CacheSource.LLM, ask(assistant, "什么是大模型？"), "the endpoint cleared the tenant");

            // English goes to bge-small-en, in its own vector space.
            assertEquals(CacheSource.LLM, ask(assistant, "How do I reset my password?"));
            assertEquals(CacheSource.SEMANTIC, ask(assistant, "How can I reset my password?"));
            assertEquals(Map.of("bge-small-zh-v1.5-q", 0.955, "bge-small-en-v1.5-q", 0.95),
                    ((Map<?, ?>) endpoint.read().get("operatingPoint")).get("threshold"), "each model's own threshold");
        } finally {
            if (store.equals("redis")) {
                try (var jedis = TestRedis.config(prefix).connect()) {
                    TestRedis.clean(jedis, prefix);
                }
            }
        }
    }

    @Test
    void theApplicationsOwnStoreIsUsedAndItsOwnCachingModelIsNotWrappedAgain() {
        try (ConfigurableApplicationContext ctx = app(new Class<?>[]{io.promptcache.springextra.OwnApplication.class})) {
            assertTrue(ctx.getBean(io.promptcache.store.CacheStore.class) == io.promptcache.springextra.OwnBeans.STORE,
                    "the auto-configuration backed off");
            Object mine = ctx.getBean("myCachedModel");
            assertInstanceOf(CachingChatModel.class, mine);
            assertInstanceOf(dev.langchain4j.model.openai.OpenAiChatModel.class, ((CachingChatModel) mine).delegate(),
                    "wrapped once, by the application, never twice");
            CachingChatModel starters = (CachingChatModel) ctx.getBean("openAiChatModel");
            assertTrue(starters.store() == io.promptcache.springextra.OwnBeans.STORE, "the wrapped models use that store");
        }
    }

    @Test
    void ollamaEmbedsWhenConfigured() throws Exception {
        try (io.promptcache.testing.FakeOllama ollama = new io.promptcache.testing.FakeOllama();
             ConfigurableApplicationContext ctx = app("promptcache.embedding.provider=ollama",
                     "promptcache.embedding.ollama.base-url=" + ollama.baseUrl(),
                     "promptcache.embedding.ollama.model-name=fake-embed")) {
            Assistant assistant = ctx.getBean(Assistant.class);
            assertEquals(CacheSource.LLM, ask(assistant, "什么是大模型？"));
            assertEquals(CacheSource.SEMANTIC, ask(assistant, "大模型是什么？"));
            assertTrue(ollama.requests() >= 2, "the embeddings came from Ollama over HTTP");
        }
    }

    @Test
    void aTenantTagOnlyWhenAskedFor() {
        try (ConfigurableApplicationContext ctx = app("promptcache.metrics.tenant-tag=true")) {
            ask(ctx.getBean(Assistant.class), "什么是大模型？");
            assertEquals(1.0, ctx.getBean(MeterRegistry.class).get("promptcache.tenant.requests")
                    .tags("tenant", "acme", "source", "llm").counter().count());
        }
    }

    @Test
    void disabledLeavesTheModelsUnwrapped() {
        try (ConfigurableApplicationContext ctx = app("promptcache.enabled=false")) {
            assertInstanceOf(OpenAiChatModel.class, ctx.getBean(ChatModel.class));
            assertFalse(ctx.containsBean("promptCacheBackend"));
        }
    }

    @Test
    void excludedBeansStayAsTheyAre() {
        try (ConfigurableApplicationContext ctx = app("promptcache.exclude=openAiStreamingChatModel")) {
            assertInstanceOf(CachingChatModel.class, ctx.getBean(ChatModel.class));
            assertInstanceOf(OpenAiStreamingChatModel.class, ctx.getBean(StreamingChatModel.class));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"promptcache.semantic.threshold=1.5", "promptcache.embedding.provider=openai",
            "promptcache.store.url=mysql://localhost", "promptcache.ttl=-1h", "promptcache.max-entries-per-tenant=0",
            "promptcache.lookup-timeout=0s"})
    void aWrongValueFailsStartUpNamingTheProperty(String property) {
        Exception e = assertThrows(Exception.class, () -> app(property).close());
        String property0 = property.substring(0, property.indexOf('='));
        Throwable t = e;
        boolean named = false;
        while (t != null) {
            named |= String.valueOf(t.getMessage()).contains(property0);
            t = t.getCause();
        }
        assertTrue(named, "the message names " + property0 + ": " + e);
    }

    @Test
    void redisDownAtStartStillStartsAndAnswers() throws Exception {
        int dead = RedisProcess.freePort();
        try (ConfigurableApplicationContext ctx = app("promptcache.store.url=redis://127.0.0.1:" + dead)) {
            Assistant assistant = ctx.getBean(Assistant.class);
            assertEquals(CacheSource.LLM, ask(assistant, "什么是大模型？"));
            assertEquals(CacheSource.LLM, ask(assistant, "什么是大模型？"), "uncached, but answered");
            Map<String, Object> read = ctx.getBean(PromptCacheEndpoint.class).read();
            assertTrue(read.toString().contains("store=down"), "the endpoint shows the store's health: " + read);

            // Over HTTP every operation answers 503 naming the dependency, never a 500.
            io.promptcache.spring.PromptCacheEndpointWebExtension web =
                    ctx.getBean(io.promptcache.spring.PromptCacheEndpointWebExtension.class);
            assertEquals(503, web.read().getStatus());
            var deleted = web.delete("acme", null);
            assertEquals(503, deleted.getStatus());
            assertEquals("store", deleted.getBody().get("dependency"));
            assertEquals(503, web.delete("acme", "0123").getStatus());

            // The health component: UP (the cache fails open), with the store's state in its details.
            var health = ((org.springframework.boot.actuate.health.HealthIndicator) ctx.getBean("promptcacheHealthIndicator")).health();
            assertEquals(org.springframework.boot.actuate.health.Status.UP, health.getStatus());
            assertTrue(health.getDetails().toString().contains("store=down"), health.getDetails().toString());
        }
        try (ConfigurableApplicationContext ctx = app("promptcache.store.url=redis://127.0.0.1:" + dead,
                "promptcache.health.out-of-service-when-store-down=true")) {
            ask(ctx.getBean(Assistant.class), "什么是大模型？");
            var health = ((org.springframework.boot.actuate.health.HealthIndicator) ctx.getBean("promptcacheHealthIndicator")).health();
            assertEquals(org.springframework.boot.actuate.health.Status.OUT_OF_SERVICE, health.getStatus(), "readiness may follow the cache");
        }
    }

    @Test
    void onePropertyRecordsAndReplaysEveryModelBean(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String answer;
        try (ConfigurableApplicationContext ctx = app("promptcache.enabled=false", "promptcache.cassette.directory=" + dir,
                "promptcache.cassette.mode=record")) {
            assertInstanceOf(io.promptcache.cassette.CassetteChatModel.class, ctx.getBean(ChatModel.class));
            assertInstanceOf(io.promptcache.cassette.CassetteStreamingChatModel.class, ctx.getBean(StreamingChatModel.class));
            answer = ctx.getBean(Assistant.class).chat("什么是大模型？");
        }
        int calls = deepSeek.calls();
        int dead = RedisProcess.freePort();
        try (ConfigurableApplicationContext ctx = app("promptcache.cassette.directory=" + dir,
                "langchain4j.open-ai.chat-model.base-url=http://127.0.0.1:" + dead)) {
            assertInstanceOf(CachingChatModel.class, ctx.getBean(ChatModel.class), "the cache above the cassette");
            assertEquals(answer, ctx.getBean(Assistant.class).chat("什么是大模型？"), "replayed with the model unreachable");
            assertThrows(io.promptcache.cassette.CassetteMissException.class, () -> ctx.getBean(Assistant.class).chat("没录过的问题"));
        }
        assertEquals(calls, deepSeek.calls());
    }

    @Test
    void theEndpointRefusesBadTenantsAsTheFilterDoesAndSaysWhenNothingWasThere() {
        try (ConfigurableApplicationContext ctx = app()) {
            io.promptcache.spring.PromptCacheEndpointWebExtension web =
                    ctx.getBean(io.promptcache.spring.PromptCacheEndpointWebExtension.class);
            for (String bad : new String[]{" ", "x".repeat(CacheScope.MAX_ID_LENGTH + 1), "acme\u0007"}) {
                var answer = web.delete(bad, null);
                assertEquals(400, answer.getStatus(), "tenant '" + bad + "'");
                assertEquals("invalid tenant or user id", answer.getBody().get("error"));
            }
            var unknown = web.delete("never-seen", null);
            assertEquals(404, unknown.getStatus());
            assertEquals(0L, ((Number) unknown.getBody().get("removed")).longValue());
            assertTrue(String.valueOf(unknown.getBody().get("message")).contains("nothing was removed"));
            ask(ctx.getBean(Assistant.class), "什么是大模型？");
            assertEquals(404, web.delete("acme", "no-such-entry").getStatus());
            assertEquals(200, web.delete("acme", null).getStatus());
            assertEquals(200, web.read().getStatus());
        }
    }

    @Test
    void selfCalibrationIsTurnedOnWithPropertiesAndABadSettingFailsTheStartNamingIt() throws Exception {
        try (ConfigurableApplicationContext ctx = app("promptcache.semantic.self-calibration.enabled=true",
                "promptcache.semantic.self-calibration.max-wrong-share=0.1",
                "promptcache.semantic.self-calibration.keep-known-threshold=false",
                "promptcache.semantic.self-calibration.anytime-valid=true",
                "promptcache.semantic.self-calibration.drift-window=300")) {
            CachingChatModel model = (CachingChatModel) ctx.getBean(ChatModel.class);
            assertEquals(0.1, model.selfCalibrator().settings().maxWrongShare());
            assertTrue(model.selfCalibrator().settings().bound().anytimeValid());
            assertEquals(300, model.selfCalibrator().settings().driftWindow());
            assertEquals(Double.POSITIVE_INFINITY, model.selfCalibrator().threshold("zh"), "in shadow it serves nothing");
            Assistant assistant = ctx.getBean(Assistant.class);
            assertEquals(CacheSource.LLM, ask(assistant, "什么是大模型？"));
            assertEquals(CacheSource.LLM, ask(assistant, "大模型是什么？"), "uncalibrated: no semantic hit");
            model.selfCalibrator().awaitIdle(java.time.Duration.ofSeconds(30));
            // The judge is the starter's own model: the simulator answered its question (not a verdict: no labels).
            assertTrue(model.selfCalibrator().counts("zh").judgeCalls("failed") >= 1);
            Map<?, ?> calibration = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) ctx.getBean(PromptCacheEndpoint.class).read()
                    .get("models")).get("openAiChatModel")).get("selfCalibration");
            assertEquals("SHADOW", ((Map<?, ?>) calibration.get("zh")).get("phase"), calibration.toString());
            MeterRegistry meters = ctx.getBean(MeterRegistry.class);
            assertEquals(0.0, meters.get("promptcache.calibration.serving").tags("bean", "openAiChatModel", "space", "zh")
                    .gauge().value());
        }
        Exception failed = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> app("promptcache.semantic.self-calibration.enabled=true",
                        "promptcache.semantic.self-calibration.max-wrong-share=0.7").close());
        Throwable root = failed;
        StringBuilder messages = new StringBuilder();
        while (root != null) {
            messages.append(root.getMessage()).append(" / ");
            root = root.getCause();
        }
        assertTrue(messages.toString().contains("promptcache.semantic.self-calibration.max-wrong-share"), messages.toString());
        Exception badWindow = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> app("promptcache.semantic.self-calibration.enabled=true",
                        "promptcache.semantic.self-calibration.drift-window=-1").close());
        StringBuilder why = new StringBuilder();
        for (Throwable t = badWindow; t != null; t = t.getCause()) {
            why.append(t.getMessage()).append(" / ");
        }
        assertTrue(why.toString().contains("promptcache.semantic.self-calibration.drift-window"), why.toString());
    }
}
