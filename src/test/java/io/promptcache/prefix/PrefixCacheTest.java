package io.promptcache.prefix;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import io.promptcache.CacheOutcome;
import io.promptcache.CacheScope;
import io.promptcache.CachingChatModel;
import io.promptcache.cli.Assistant;
import io.promptcache.testing.SimulatedDeepSeek;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The provider prefix cache, measured through the simulator's HTTP responses. */
class PrefixCacheTest {

    final SimulatedDeepSeek deepSeek = new SimulatedDeepSeek();
    final List<PrefixBreakDetector.PrefixBreak> warnings = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        deepSeek.close();
    }

    CachingChatModel.Builder cache() {
        return CachingChatModel.builder().delegate(deepSeek.chatModel())
                .lookupTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10))
                .prefixBreakDetector(PrefixBreakDetector.builder().sink(warnings::add).build());
    }

    static ToolSpecification tool(String name) {
        return ToolSpecification.builder().name(name).description("the " + name + " tool")
                .parameters(JsonObjectSchema.builder().addStringProperty("input").build()).build();
    }

    @Test
    void toolOrderDoesNotChangeTheBytesSent() {
        CachingChatModel model = cache().build();
        List<ToolSpecification> ab = List.of(tool("alpha"), tool("beta"), tool("gamma"));
        List<ToolSpecification> cb = List.of(tool("gamma"), tool("alpha"), tool("beta"));
        // Two tenants, so the second request is not an exact hit and really reaches the simulator.
        try (CacheScope s = CacheScope.open("tenant-1")) {
            model.chat(ChatRequest.builder().messages(SystemMessage.from("sys"), UserMessage.from("你好")).toolSpecifications(ab).build());
        }
        try (CacheScope s = CacheScope.open("tenant-2")) {
            model.chat(ChatRequest.builder().messages(UserMessage.from("你好"), SystemMessage.from("sys")).toolSpecifications(cb).build());
        }
        List<String> bodies = deepSeek.simulator.requestBodies();
        assertEquals(2, bodies.size());
        assertEquals(bodies.get(0), bodies.get(1));
        assertTrue(bodies.get(0).indexOf("alpha") < bodies.get(0).indexOf("beta"));
    }

    @Test
    void withoutCanonicalLayoutTheBytesDiffer() {
        CachingChatModel model = cache().canonicalLayout(false).build();
        try (CacheScope s = CacheScope.open("tenant-1")) {
            model.chat(ChatRequest.builder().messages(SystemMessage.from("sys"), UserMessage.from("你好"))
                    .toolSpecifications(tool("alpha"), tool("beta")).build());
        }
        try (CacheScope s = CacheScope.open("tenant-2")) {
            model.chat(ChatRequest.builder().messages(SystemMessage.from("sys"), UserMessage.from("你好"))
                    .toolSpecifications(tool("beta"), tool("alpha")).build());
        }
        List<String> bodies = deepSeek.simulator.requestBodies();
        assertTrue(!bodies.get(0).equals(bodies.get(1)));
    }

    @Test
    void providerHitsGrowTurnByTurnInAConversationWithTheDemoPrompt() {
        CachingChatModel model = cache().build();
        Assistant assistant = AiServices.builder(Assistant.class).chatModel(model)
                .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(40)).build();
        List<String> turns = List.of("什么是大模型？", "它有哪些应用？", "如何降低使用成本？", "总结一下我们的对话");
        int previousHit = -1;
        try (CacheScope scope = CacheScope.open("t", "u")) {
            for (int i = 0; i < turns.size(); i++) {
                scope.clearOutcomes();
                assistant.chat("conversation-1", turns.get(i));
                CacheOutcome o = scope.lastOutcome().orElseThrow();
                ProviderCacheUsage usage = o.providerUsage();
                assertTrue(usage.known(), "usage parsed from the HTTP body");
                assertTrue(usage.hitTokens() > previousHit, "turn " + (i + 1) + " hit " + usage.hitTokens());
                previousHit = usage.hitTokens();
                if (i == 3) {
                    assertTrue(usage.hitRatio() >= 0.8, "fourth turn hit ratio " + usage.hitRatio());
                }
            }
        }
        assertEquals(List.of(), warnings, "a stable agent gets no warning");
        CacheAccounting.Snapshot totals = model.accounting().snapshot();
        assertEquals(4, totals.modelCalls());
        assertTrue(totals.providerHitTokens() > 0);
        assertTrue(totals.cost() < totals.costWithoutProviderCache());
    }

    interface ClockAssistant {
        @dev.langchain4j.service.SystemMessage("你是助手。当前时间：{{current_date_time}}。请简洁回答。")
        String chat(@MemoryId String id, @dev.langchain4j.service.UserMessage String message);
    }

    @Test
    void aDateInTheSystemPromptTriggersExactlyOneWarning() throws Exception {
        CachingChatModel model = cache().build();
        ClockAssistant assistant = AiServices.builder(ClockAssistant.class).chatModel(model)
                .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(40)).build();
        for (String q : List.of("你好", "什么是大模型？", "它有哪些应用？", "谢谢")) {
            Thread.sleep(5); // the rendered time must move between turns
            assistant.chat("c1", q);
        }
        assertEquals(1, warnings.size(), warnings.toString());
        assertEquals(PrefixBreakDetector.Cause.DATE_TIME, warnings.get(0).cause());
        assertTrue(warnings.get(0).where().startsWith("system prompt at character"));
        assertTrue(warnings.get(0).lostTokens() > 0);
        assertEquals(3L, model.prefixBreaks().counts().get(PrefixBreakDetector.Cause.DATE_TIME));
    }

    @Test
    void aChangedToolSetTriggersOneWarningNamingTheTool() {
        CachingChatModel model = cache().build();
        var first = UserMessage.from("请帮我查一下");
        model.chat(ChatRequest.builder().messages(SystemMessage.from("sys"), first).toolSpecifications(tool("search")).build());
        model.chat(ChatRequest.builder().messages(SystemMessage.from("sys"), first, dev.langchain4j.data.message.AiMessage.from("好的"),
                UserMessage.from("继续")).toolSpecifications(tool("search"), tool("weather")).build());
        assertEquals(1, warnings.size());
        assertEquals(PrefixBreakDetector.Cause.TOOLS, warnings.get(0).cause());
        assertTrue(warnings.get(0).where().contains("added [weather]"), warnings.get(0).where());
    }

    @Test
    void silencedCausesAreCountedButNotWarned() {
        CachingChatModel model = cache().prefixBreakDetector(PrefixBreakDetector.builder()
                .silence(PrefixBreakDetector.Cause.TOOLS).sink(warnings::add).build()).build();
        var first = UserMessage.from("请帮我查一下");
        model.chat(ChatRequest.builder().messages(SystemMessage.from("sys"), first).toolSpecifications(tool("search")).build());
        model.chat(ChatRequest.builder().messages(SystemMessage.from("sys"), first, dev.langchain4j.data.message.AiMessage.from("好的"),
                UserMessage.from("继续")).toolSpecifications(tool("weather")).build());
        assertEquals(List.of(), warnings);
        assertEquals(1L, model.prefixBreaks().counts().get(PrefixBreakDetector.Cause.TOOLS));
    }

    @Test
    void answersFromOurCacheCountAllTheirTokensAsSaved() {
        CachingChatModel model = cache().build();
        ChatRequest q = ChatRequest.builder().messages(SystemMessage.from("sys"), UserMessage.from("什么是大模型？")).build();
        var response = model.chat(q);
        model.chat(q);
        CacheAccounting.Snapshot a = model.accounting().snapshot();
        assertEquals(1, a.modelCalls());
        assertEquals(1, a.cachedCalls());
        assertEquals(response.tokenUsage().inputTokenCount().longValue(), a.savedPromptTokens());
        assertEquals(response.tokenUsage().outputTokenCount().longValue(), a.savedOutputTokens());
        assertTrue(a.costWithoutCaches() > a.costWithoutProviderCache());
    }
}
