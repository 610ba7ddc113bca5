package io.promptcache;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.TokenStream;
import io.promptcache.deepseek.DeepSeekSimulator;
import io.promptcache.testing.CollectingHandler;
import io.promptcache.testing.SimulatedDeepSeek;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Streaming: the real OpenAiStreamingChatModel against the simulator's SSE. */
class CachingStreamingChatModelTest {

    SimulatedDeepSeek deepSeek = new SimulatedDeepSeek(DeepSeekSimulator.builder().faults(q ->
            q.contains("服务器错误") ? DeepSeekSimulator.Fault.SERVER_ERROR
                    : q.contains("断流") ? DeepSeekSimulator.Fault.CUT_STREAM : DeepSeekSimulator.Fault.NONE));

    @AfterEach
    void stop() {
        deepSeek.close();
    }

    CachingStreamingChatModel.Builder cache() {
        return CachingStreamingChatModel.builder().delegate(deepSeek.streamingChatModel())
                .lookupTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10));
    }

    static ChatRequest ask(String q) {
        return ChatRequest.builder().messages(SystemMessage.from("你是助手。"), UserMessage.from(q)).build();
    }

    static CollectingHandler stream(CachingStreamingChatModel model, ChatRequest request) {
        CollectingHandler h = new CollectingHandler();
        model.chat(request, h);
        return h;
    }

    interface StreamingAssistant {
        @dev.langchain4j.service.SystemMessage("你是助手。需要计算时调用 calculate 工具。")
        TokenStream chat(@MemoryId String conversation, @dev.langchain4j.service.UserMessage String message);
    }

    static final class Calculator {
        final AtomicInteger calls = new AtomicInteger();

        @Tool("Evaluates a product like 12*7")
        public String calculate(String expression) {
            calls.incrementAndGet();
            String[] p = expression.split("\\*");
            return Integer.toString(Integer.parseInt(p[0].trim()) * Integer.parseInt(p[1].trim()));
        }
    }

    static final class TurnResult {
        final List<String> partials = new CopyOnWriteArrayList<>();
        final CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    }

    static TurnResult run(StreamingAssistant assistant, String conversation, String message) throws Exception {
        TurnResult r = new TurnResult();
        assistant.chat(conversation, message)
                .onPartialResponse(r.partials::add)
                .onCompleteResponse(r.done::complete)
                .onError(r.done::completeExceptionally)
                .start();
        r.done.get(30, TimeUnit.SECONDS);
        return r;
    }

    @Test
    void tokenStreamEndToEndOnAMissAndOnAHit() throws Exception {
        CachingStreamingChatModel model = cache().build();
        StreamingAssistant assistant = AiServices.builder(StreamingAssistant.class).streamingChatModel(model)
                .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(10)).build();
        try (CacheScope scope = CacheScope.open("t")) {
            TurnResult miss = run(assistant, "c1", "什么是大模型？");
            TurnResult hit = run(assistant, "c2", "什么是大模型？");
            TurnResult paraphrase = run(assistant, "c3", "大模型是什么？");
            String text = miss.done.get().aiMessage().text();
            assertTrue(miss.partials.size() > 3, "the miss streamed in pieces");
            assertEquals(text, String.join("", miss.partials));
            assertTrue(hit.partials.size() > 3, "the hit was replayed in pieces");
            assertEquals(text, String.join("", hit.partials));
            assertEquals(text, hit.done.get().aiMessage().text());
            assertEquals(FinishReason.STOP, hit.done.get().finishReason());
            assertEquals(text, String.join("", paraphrase.partials));
            assertEquals(List.of(CacheSource.LLM, CacheSource.EXACT, CacheSource.SEMANTIC),
                    scope.outcomes().stream().map(CacheOutcome::source).toList());
            assertTrue(scope.outcomes().get(0).providerUsage().known(), "usage read from the last SSE event");
        }
        assertEquals(1, deepSeek.calls());
    }

    @Test
    void aToolCallDuringAStreamedTurnStillRunsTheTool() throws Exception {
        Calculator calculator = new Calculator();
        CachingStreamingChatModel model = cache().build();
        StreamingAssistant assistant = AiServices.builder(StreamingAssistant.class).streamingChatModel(model)
                .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(10)).tools(calculator).build();
        TurnResult r = run(assistant, "c1", "请计算 12*7");
        assertEquals(1, calculator.calls.get());
        assertTrue(r.done.get().aiMessage().text().contains("84"), r.done.get().aiMessage().text());
        assertTrue(String.join("", r.partials).contains("84"));
    }

    @Test
    void thinkingIsForwardedAndReplayed() throws Exception {
        CachingStreamingChatModel model = CachingStreamingChatModel.builder()
                .delegate(io.promptcache.deepseek.DeepSeek.streamingChatModel(
                        io.promptcache.deepseek.DeepSeek.simulator(deepSeek.simulator).withModel("deepseek-reasoner")))
                .lookupTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10)).build();
        CollectingHandler first = stream(model, ask("什么是大模型？"));
        ChatResponse r1 = first.await();
        CollectingHandler second = stream(model, ask("什么是大模型？"));
        ChatResponse r2 = second.await();
        assertTrue(!first.thinking.isEmpty());
        assertEquals(String.join("", first.thinking), String.join("", second.thinking));
        assertEquals(r1.aiMessage().thinking(), r2.aiMessage().thinking());
        assertEquals(1, deepSeek.calls());
    }

    @Test
    void errorsAndCutStreamsAreNotStored() throws Exception {
        CachingStreamingChatModel model = cache().build();
        assertThrows(ExecutionException.class, () -> stream(model, ask("模拟服务器错误")).await());
        assertThrows(ExecutionException.class, () -> stream(model, ask("模拟服务器错误")).await());

        CollectingHandler cut = stream(model, ask("模拟断流的问题"));
        try {
            ChatResponse partial = cut.await();
            assertTrue(partial.finishReason() != FinishReason.STOP);
        } catch (ExecutionException e) {
            // the client may also report the cut as an error: either way it must not be stored
        }
        int before = deepSeek.calls();
        CollectingHandler again = stream(model, ask("模拟断流的问题"));
        try {
            again.await();
        } catch (ExecutionException ignored) {
            // same as above
        }
        assertEquals(before + 1, deepSeek.calls(), "the cut stream was not served from cache");
        assertEquals(0, model.metrics().snapshot().stores());
    }

    @Test
    void aCancelledStreamIsNotStored() throws Exception {
        CachingStreamingChatModel model = cache().build();
        CollectingHandler cancelling = new CollectingHandler(2);
        model.chat(ask("什么是大模型？"), cancelling);
        assertThrows(ExecutionException.class, cancelling::await);
        Thread.sleep(200); // let the upstream notice the cancellation
        CollectingHandler next = stream(model, ask("什么是大模型？"));
        next.await();
        assertEquals(2, deepSeek.calls());
        assertTrue(next.text().length() > 0);
    }

    @Test
    void singleFlightFollowersReceiveTheCompleteText() throws Exception {
        try (SimulatedDeepSeek slow = new SimulatedDeepSeek(DeepSeekSimulator.builder()
                .timeToFirstToken(Duration.ofMillis(300)).tokensPerSecond(200))) {
            CachingStreamingChatModel model = CachingStreamingChatModel.builder().delegate(slow.streamingChatModel())
                    .lookupTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10)).build();
            List<CollectingHandler> handlers = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                handlers.add(stream(model, ask("什么是大模型？")));
                Thread.sleep(40); // later callers join mid-stream
            }
            String text = handlers.get(0).await().aiMessage().text();
            for (CollectingHandler h : handlers) {
                assertEquals(text, h.await().aiMessage().text());
                assertEquals(text, h.text(), "every follower got every chunk, in order");
            }
            assertEquals(1, slow.calls());
            assertEquals(0, model.inFlight());
        }
    }

    @Test
    void replayChunksConcatenateToTheText() {
        String text = "大模型（LLM）是一种 neural network model 😀，能够完成问答、写作。";
        List<String> chunks = ReplayPacing.DEFAULT.chunks(text);
        assertEquals(text, String.join("", chunks));
        assertTrue(chunks.size() > 5);
    }
}
