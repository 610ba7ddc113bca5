package io.promptcache;

import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.agent.tool.Tool;
import io.promptcache.embedding.EmbeddingModels;
import io.promptcache.testing.FakeOllama;
import io.promptcache.testing.SimulatedDeepSeek;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assistant → CachingChatModel → OpenAiChatModel → DeepSeek simulator, all over real HTTP. */
class AiServicesEndToEndTest {

    interface Assistant {
        @SystemMessage("你是一个乐于助人的助手。需要计算时调用 calculate 工具。")
        String chat(@MemoryId String conversation, @UserMessage String message);
    }

    static final class Calculator {
        final AtomicInteger calls = new AtomicInteger();

        @Tool("Evaluates a product like 12*7")
        public String calculate(String expression) {
            calls.incrementAndGet();
            String[] parts = expression.split("\\*");
            return Integer.toString(Integer.parseInt(parts[0].trim()) * Integer.parseInt(parts[1].trim()));
        }
    }

    final SimulatedDeepSeek deepSeek = new SimulatedDeepSeek();

    @AfterEach
    void stop() {
        deepSeek.close();
    }

    Assistant assistant(CachingChatModel model, Calculator calculator) {
        return AiServices.builder(Assistant.class)
                .chatModel(model)
                .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
                .tools(calculator)
                .build();
    }

    CachingChatModel model(EmbeddingModel embedder) {
        return CachingChatModel.builder().delegate(deepSeek.chatModel()).embeddingModel(embedder)
                .lookupTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10)).build();
    }

    @Test
    void firstTurnsAreSharedAcrossConversationsAndToolsStillRun() {
        CachingChatModel model = model(EmbeddingModels.inProcess());
        Calculator calculator = new Calculator();
        Assistant assistant = assistant(model, calculator);
        try (CacheScope scope = CacheScope.open("acme", "alice")) {
            String a1 = assistant.chat("alice#1", "什么是大模型？");
            String a2 = assistant.chat("alice#2", "大模型是什么？");
            String a3 = assistant.chat("alice#3", "什么是大模型？");
            assertEquals(a1, a2);
            assertEquals(a1, a3);
            assertEquals(List.of(CacheSource.LLM, CacheSource.SEMANTIC, CacheSource.EXACT),
                    scope.outcomes().stream().map(CacheOutcome::source).toList());
            scope.clearOutcomes();

            String product = assistant.chat("alice#4", "请计算 12*7");
            assertTrue(product.contains("84"), product);
            assertEquals(1, calculator.calls.get());
            // The tool-call step is never cached, so asking again runs the tool again.
            assistant.chat("alice#5", "请计算 12*7");
            assertEquals(2, calculator.calls.get());
        }
    }

    @Test
    void followUpTurnsOnlyHitInsideTheirOwnConversation() {
        CachingChatModel model = model(EmbeddingModels.inProcess());
        Assistant assistant = assistant(model, new Calculator());
        try (CacheScope scope = CacheScope.open("acme", "alice")) {
            assistant.chat("c1", "介绍一下北京");
            assistant.chat("c1", "它有多少人口？");
            assistant.chat("c2", "介绍一下上海");
            assistant.chat("c2", "它有多少人口？");
            assertEquals(List.of(CacheSource.LLM, CacheSource.LLM, CacheSource.LLM, CacheSource.LLM),
                    scope.outcomes().stream().map(CacheOutcome::source).toList());
        }
    }

    @Test
    void ollamaEmbedderOverHttpDrivesTheSemanticTier() throws Exception {
        try (FakeOllama ollama = new FakeOllama()) {
            CachingChatModel model = model(EmbeddingModels.ollama(ollama.baseUrl(), "bge-m3", Duration.ofSeconds(5)));
            Assistant assistant = assistant(model, new Calculator());
            try (CacheScope scope = CacheScope.open("acme")) {
                String a1 = assistant.chat("x1", "什么是大模型？");
                String a2 = assistant.chat("x2", "大模型是什么？"); // same characters: cosine 1 in the fake
                assertEquals(a1, a2);
                assertEquals(CacheSource.SEMANTIC, scope.lastOutcome().orElseThrow().source());
            }
            assertTrue(ollama.requests() >= 2);
            assertEquals(1, deepSeek.calls());
        }
    }
}
