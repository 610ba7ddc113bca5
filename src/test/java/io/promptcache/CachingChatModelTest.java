package io.promptcache;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import io.promptcache.deepseek.DeepSeekSimulator;
import io.promptcache.testing.SimulatedDeepSeek;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decorator against the real OpenAI client and the DeepSeek simulator over HTTP. */
class CachingChatModelTest {

    static final String SYSTEM = "你是一个乐于助人的助手。";

    SimulatedDeepSeek deepSeek;

    @BeforeEach
    void start() {
        deepSeek = new SimulatedDeepSeek(DeepSeekSimulator.builder().faults(q ->
                q.contains("服务器错误") ? DeepSeekSimulator.Fault.SERVER_ERROR : DeepSeekSimulator.Fault.NONE));
    }

    @AfterEach
    void stop() {
        deepSeek.close();
    }

    CachingChatModel.Builder cache() {
        // A generous budget: these tests check behaviour, not speed, on a shared machine.
        return CachingChatModel.builder().delegate(deepSeek.chatModel()).lookupTimeout(Duration.ofSeconds(10))
                .writeTimeout(Duration.ofSeconds(10));
    }

    static ChatRequest ask(String system, String question) {
        return ChatRequest.builder().messages(SystemMessage.from(system), UserMessage.from(question)).build();
    }

    static CacheOutcome call(CachingChatModel model, String tenant, ChatRequest request) {
        try (CacheScope scope = CacheScope.open(tenant, "u1")) {
            model.chat(request);
            return scope.lastOutcome().orElseThrow();
        }
    }

    @Test
    void identicalRequestIsAnExactHitWithAFaithfulResponse() {
        CachingChatModel model = cache().build();
        ChatResponse first;
        ChatResponse second;
        try (CacheScope scope = CacheScope.open("t1")) {
            first = model.chat(ask(SYSTEM, "什么是大模型？"));
            second = model.chat(ask(SYSTEM, "什么是大模型？"));
            assertEquals(List.of(CacheSource.LLM, CacheSource.EXACT),
                    scope.outcomes().stream().map(CacheOutcome::source).toList());
            assertTrue(scope.outcomes().get(0).stored());
        }
        assertEquals(1, deepSeek.calls());
        assertEquals(first.aiMessage().text(), second.aiMessage().text());
        assertEquals(first.finishReason(), second.finishReason());
        assertEquals(FinishReason.STOP, second.finishReason());
        assertEquals(first.modelName(), second.modelName());
        assertEquals(first.id(), second.id());
        assertEquals(first.tokenUsage().inputTokenCount(), second.tokenUsage().inputTokenCount());
        assertEquals(first.tokenUsage().outputTokenCount(), second.tokenUsage().outputTokenCount());
        assertEquals(1, model.metrics().snapshot().exactHits());
    }

    @Test
    void paraphraseIsServedFromTheSemanticTier() {
        CachingChatModel model = cache().build();
        call(model, "t1", ask(SYSTEM, "什么是大模型？"));
        CacheOutcome outcome = call(model, "t1", ask(SYSTEM, "大模型是什么？"));
        assertEquals(CacheSource.SEMANTIC, outcome.source());
        assertEquals("什么是大模型？", outcome.matchedQuestion());
        assertNotNull(outcome.similarity());
        assertTrue(outcome.similarity() >= CachingModelBuilder.DEFAULT_SIMILARITY_THRESHOLD);
        assertEquals(1, deepSeek.calls());
    }

    @Test
    void nearMissWithAnAntonymIsNotServed() {
        CachingChatModel model = cache().similarityThreshold(0.5).build(); // let the guard, not the threshold, decide
        call(model, "t1", ask(SYSTEM, "如何开通会员"));
        CacheOutcome outcome = call(model, "t1", ask(SYSTEM, "如何取消会员"));
        assertEquals(CacheSource.LLM, outcome.source());
        assertEquals(2, deepSeek.calls());
        assertEquals(1L, model.metrics().snapshot().rejections().get("lexical"));
    }

    @Test
    void tenantsNeverShareEntries() {
        CachingChatModel model = cache().build();
        call(model, "tenant-a", ask(SYSTEM, "什么是大模型？"));
        assertEquals(CacheSource.LLM, call(model, "tenant-b", ask(SYSTEM, "什么是大模型？")).source());
        assertEquals(CacheSource.LLM, call(model, "tenant-c", ask(SYSTEM, "大模型是什么？")).source());
        assertEquals(CacheSource.EXACT, call(model, "tenant-a", ask(SYSTEM, "什么是大模型？")).source());
        assertEquals(3, deepSeek.calls());
    }

    @Test
    void usersShareFirstTurnsUnlessIsolated() {
        CachingChatModel shared = cache().build();
        CachingChatModel isolated = cache().perUserIsolation(true).build();
        for (CachingChatModel model : List.of(shared, isolated)) {
            try (CacheScope s = CacheScope.open("t", "alice")) {
                model.chat(ask(SYSTEM, "什么是大模型？"));
            }
        }
        try (CacheScope s = CacheScope.open("t", "bob")) {
            shared.chat(ask(SYSTEM, "什么是大模型？"));
            isolated.chat(ask(SYSTEM, "什么是大模型？"));
            assertEquals(List.of(CacheSource.EXACT, CacheSource.LLM), s.outcomes().stream().map(CacheOutcome::source).toList());
        }
    }

    @Test
    void differentSystemPromptModelTemperatureOrToolsMiss() {
        CachingChatModel model = cache().build();
        call(model, "t", ask(SYSTEM, "什么是大模型？"));

        assertEquals(CacheSource.LLM, call(model, "t", ask("You are a pirate.", "什么是大模型？")).source());
        assertEquals(CacheSource.LLM, call(model, "t", ask(SYSTEM, "什么是大模型？").toBuilder()
                .parameters(dev.langchain4j.model.chat.request.ChatRequestParameters.builder().temperature(0.9).build())
                .build()).source());
        assertEquals(CacheSource.LLM, call(model, "t", ChatRequest.builder()
                .messages(SystemMessage.from(SYSTEM), UserMessage.from("什么是大模型？"))
                .modelName("deepseek-reasoner").build()).source());
        assertEquals(CacheSource.LLM, call(model, "t", ChatRequest.builder()
                .messages(SystemMessage.from(SYSTEM), UserMessage.from("什么是大模型？"))
                .toolSpecifications(tool("lookupWeather")).build()).source());
        // And their paraphrases miss too: the scope, not only the exact key, differs.
        assertEquals(CacheSource.LLM, call(model, "t", ask("You are a poet.", "大模型是什么？")).source());
        assertEquals(6, deepSeek.calls());
    }

    @Test
    void followUpIsNeverServedFromAnotherConversation() {
        CachingChatModel model = cache().build();
        List<ChatMessage> convA = new ArrayList<>(List.of(SystemMessage.from(SYSTEM), UserMessage.from("介绍一下北京")));
        convA.add(model.chat(ChatRequest.builder().messages(convA).build()).aiMessage());
        convA.add(UserMessage.from("它有多少人口？"));
        call(model, "t", ChatRequest.builder().messages(convA).build());

        List<ChatMessage> convB = new ArrayList<>(List.of(SystemMessage.from(SYSTEM), UserMessage.from("介绍一下上海")));
        convB.add(model.chat(ChatRequest.builder().messages(convB).build()).aiMessage());
        convB.add(UserMessage.from("它有多少人口？"));
        CacheOutcome followUp = call(model, "t", ChatRequest.builder().messages(convB).build());
        assertEquals(CacheSource.LLM, followUp.source());

        // The same conversation asking again is still served.
        assertEquals(CacheSource.EXACT, call(model, "t", ChatRequest.builder().messages(convA).build()).source());
    }

    @Test
    void toolCallResponsesAreNotStoredByDefault() {
        CachingChatModel model = cache().build();
        ChatRequest request = ChatRequest.builder()
                .messages(SystemMessage.from(SYSTEM), UserMessage.from("现在几点了？"))
                .toolSpecifications(tool("currentTime")).build();
        try (CacheScope s = CacheScope.open("t")) {
            ChatResponse response = model.chat(request);
            assertTrue(response.aiMessage().hasToolExecutionRequests());
            model.chat(request);
            assertEquals(List.of(CacheSource.LLM, CacheSource.LLM), s.outcomes().stream().map(CacheOutcome::source).toList());
        }
        assertEquals(2, deepSeek.calls());
        assertEquals(2, model.metrics().snapshot().notCacheable());
    }

    @Test
    void toolCallResponsesAreStoredWhenConfiguredAndReplayFaithfully() {
        CachingChatModel model = cache().cacheToolCallResponses(true).build();
        ChatRequest request = ChatRequest.builder()
                .messages(SystemMessage.from(SYSTEM), UserMessage.from("算一下 12*7"))
                .toolSpecifications(tool("calculate")).build();
        ChatResponse first = model.chat(request);
        ChatResponse second = model.chat(request);
        assertEquals(1, deepSeek.calls());
        assertEquals(first.aiMessage().toolExecutionRequests(), second.aiMessage().toolExecutionRequests());
    }

    @Test
    void errorsAreNotStored() {
        CachingChatModel model = cache().build();
        assertThrows(RuntimeException.class, () -> model.chat(ask(SYSTEM, "模拟服务器错误")));
        assertThrows(RuntimeException.class, () -> model.chat(ask(SYSTEM, "模拟服务器错误")));
        assertEquals(0, model.metrics().snapshot().stores());
        assertTrue(deepSeek.calls() >= 2, "every attempt reached the model");
    }

    @Test
    void answersCutOffByTheTokenLimitAreNotStored() {
        CachingChatModel model = cache().build();
        ChatRequest request = ChatRequest.builder().messages(SystemMessage.from(SYSTEM), UserMessage.from("什么是大模型？"))
                .maxOutputTokens(5).build();
        assertEquals(FinishReason.LENGTH, model.chat(request).finishReason());
        model.chat(request);
        assertEquals(2, deepSeek.calls());
        assertEquals(0, model.metrics().snapshot().stores());
    }

    @Test
    void semanticHitIsNeverServedAfterAToolResult() {
        CachingChatModel model = cache().build();
        call(model, "t", ask(SYSTEM, "什么是大模型？"));
        ChatRequest afterTool = ChatRequest.builder().messages(
                SystemMessage.from(SYSTEM),
                UserMessage.from("什么是大模型？"),
                AiMessage.from(dev.langchain4j.agent.tool.ToolExecutionRequest.builder().id("c1").name("search").arguments("{}").build()),
                dev.langchain4j.data.message.ToolExecutionResultMessage.from("c1", "search", "什么是大模型？")).build();
        assertEquals(CacheSource.LLM, call(model, "t", afterTool).source());
    }

    @Test
    void toolOrderDoesNotChangeTheKey() {
        CachingChatModel model = cache().build();
        ChatRequest ab = ChatRequest.builder().messages(SystemMessage.from(SYSTEM), UserMessage.from("你好"))
                .toolSpecifications(tool("alpha"), tool("beta")).build();
        ChatRequest ba = ChatRequest.builder().messages(SystemMessage.from(SYSTEM), UserMessage.from("你好"))
                .toolSpecifications(tool("beta"), tool("alpha")).build();
        call(model, "t", ab);
        assertEquals(CacheSource.EXACT, call(model, "t", ba).source());
    }

    @Test
    void emptyAnswersAreNotCacheable() {
        ChatResponse empty = ChatResponse.builder().aiMessage(AiMessage.from("  ")).finishReason(FinishReason.STOP).build();
        assertEquals("empty answer", CachePolicy.defaults().whyNotCacheable(empty));
        ChatResponse filtered = ChatResponse.builder().aiMessage(AiMessage.from("x")).finishReason(FinishReason.CONTENT_FILTER).build();
        assertNotNull(CachePolicy.defaults().whyNotCacheable(filtered));
        ChatResponse ok = ChatResponse.builder().aiMessage(AiMessage.from("x")).finishReason(FinishReason.STOP).build();
        assertNull(CachePolicy.defaults().whyNotCacheable(ok));
    }

    @Test
    void badConfigurationFailsAtBuildTimeWithAClearMessage() {
        IllegalStateException noDelegate = assertThrows(IllegalStateException.class, () -> CachingChatModel.builder().build());
        assertTrue(noDelegate.getMessage().contains("delegate"));
        IllegalArgumentException threshold = assertThrows(IllegalArgumentException.class,
                () -> CachingChatModel.builder().similarityThreshold(1.5));
        assertTrue(threshold.getMessage().contains("similarityThreshold"));
        assertThrows(IllegalArgumentException.class, () -> CacheScope.open(" "));
        assertThrows(IllegalArgumentException.class, () -> CacheScope.open("a\nb"));
    }

    static ToolSpecification tool(String name) {
        return ToolSpecification.builder().name(name).description("tool " + name)
                .parameters(JsonObjectSchema.builder().addStringProperty("expression").build()).build();
    }

    @Test
    void aKnownEntryIsServedByItsIdAsAnExactHitAndNeverOnceItIsGoneOrTheControlForbids() {
        for (boolean redis : List.of(false, true)) {
            String prefix = io.promptcache.testing.TestRedis.prefix();
            io.promptcache.redis.RedisCache store = redis
                    ? io.promptcache.redis.RedisCache.builder().config(io.promptcache.testing.TestRedis.config(prefix)).build() : null;
            CachingChatModel model = (redis ? cache().cacheStore(store.cacheStore()) : cache()).build();
            try {
                CacheOutcome stored = call(model, "t-known", ask(SYSTEM, "什么是大模型？"));
                String id = stored.entryId();
                try (CacheScope scope = CacheScope.open("t-known")) {
                    ChatResponse served = model.serveKnownEntry(id).orElseThrow();
                    assertEquals(CacheSource.EXACT, scope.lastOutcome().orElseThrow().source());
                    assertEquals(id, scope.lastOutcome().orElseThrow().entryId());
                    assertEquals(model.chat(ask(SYSTEM, "什么是大模型？")).aiMessage().text(), served.aiMessage().text());
                }
                assertEquals(2, model.metrics().snapshot().exactHits(), "counted as any exact hit");
                try (CacheScope scope = CacheScope.open("another-tenant")) {
                    assertTrue(model.serveKnownEntry(id).isEmpty(), "another tenant's entry is never served");
                    assertTrue(scope.outcomes().isEmpty(), "a read that finds nothing is no call");
                }
                try (CacheScope scope = CacheScope.open("t-known").control(CacheControl.NO_CACHE)) {
                    assertTrue(model.serveKnownEntry(id).isEmpty(), "no-cache: the whole call decides");
                }
                try (CacheScope scope = CacheScope.open("t-known").controlNextCall(CacheControl.REFRESH)) {
                    assertTrue(model.serveKnownEntry(id).isEmpty(), "a one-call control is left to the whole call");
                    model.chat(ask(SYSTEM, "什么是大模型？"));
                    assertEquals(CacheSource.LLM, scope.lastOutcome().orElseThrow().source(), "which takes it: refreshed");
                }
                model.store().clearTenant("t-known");
                try (CacheScope scope = CacheScope.open("t-known")) {
                    assertTrue(model.serveKnownEntry(id).isEmpty(), "an erased entry is never served");
                }
                assertEquals(redis ? 4 : 2, deepSeek.calls(), "only the first call and the refresh asked the model");
            } finally {
                model.close();
                if (store != null) {
                    try (redis.clients.jedis.UnifiedJedis jedis = io.promptcache.testing.TestRedis.config(prefix).connect()) {
                        io.promptcache.testing.TestRedis.clean(jedis, prefix);
                    }
                    store.close();
                }
            }
        }
    }
}
