package io.promptcache.cassette;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.TokenStream;
import io.promptcache.deepseek.DeepSeek;
import io.promptcache.prefix.ProviderCacheUsage;
import io.promptcache.testing.CollectingHandler;
import io.promptcache.testing.RedisProcess;
import io.promptcache.testing.SimulatedDeepSeek;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Record against the DeepSeek simulator over HTTP, replay with no model reachable, and every way a replay can miss. */
class CassetteTest {

    final SimulatedDeepSeek deepSeek = new SimulatedDeepSeek();
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        deepSeek.close();
    }

    /** A tool whose result the tests can change. */
    public static final class Calculator {
        volatile int bias;

        @Tool("Evaluates an arithmetic expression such as 12*7")
        public String calculate(@P("the expression") String expression) {
            String[] parts = expression.split("\\*");
            return Integer.toString(Integer.parseInt(parts[0].strip()) * Integer.parseInt(parts[1].strip()) + bias);
        }
    }

    interface Agent {
        String chat(@MemoryId String conversation, @dev.langchain4j.service.UserMessage String question);
    }

    interface StreamingAgent {
        TokenStream chat(@MemoryId String conversation, @dev.langchain4j.service.UserMessage String question);
    }

    static final List<String> TURNS = List.of("什么是大模型？", "帮我算一下 12*7", "它有哪些应用？");

    Agent agent(ChatModel model, Calculator tool, String system) {
        return AiServices.builder(Agent.class).chatModel(model).tools(tool)
                .systemMessageProvider(id -> system)
                .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20)).build();
    }

    /** The model as a test configures it; in replay it points at a port where nothing listens. */
    OpenAiChatModel unreachable() throws Exception {
        return DeepSeek.chatModel(DeepSeek.simulator(deepSeek.simulator).withBaseUrl("http://127.0.0.1:" + RedisProcess.freePort()));
    }

    List<String> converse(Agent agent) {
        List<String> answers = new ArrayList<>();
        for (String q : TURNS) {
            answers.add(agent.chat("c1", q));
        }
        return answers;
    }

    CassetteChatModel cassette(ChatModel delegate, CassetteMode mode) {
        CassetteChatModel.Builder b = CassetteChatModel.builder().directory(dir).mode(mode);
        return (delegate == null ? b : b.delegate(delegate)).build();
    }

    @Test
    void anAgentWithAToolAndMemoryIsRecordedOnceAndReplayedOffline() throws Exception {
        Calculator tool = new Calculator();
        List<String> recorded = converse(agent(cassette(deepSeek.chatModel(), CassetteMode.RECORD), tool, "你是助手。"));
        int calls = deepSeek.calls();
        assertTrue(calls >= 4, "three turns and a tool loop reached the model: " + calls);
        assertTrue(recorded.get(1).contains("84"), "the tool ran: " + recorded.get(1));
        try (var files = Files.list(dir)) {
            assertEquals(calls, files.filter(f -> f.toString().endsWith(".json")).count(), "one file per request");
        }

        assertEquals(recorded, converse(agent(cassette(unreachable(), CassetteMode.REPLAY), tool, "你是助手。")));
        assertEquals(recorded, converse(agent(cassette(null, CassetteMode.REPLAY), tool, "你是助手。")),
                "no model at all: a replay needs only the directory");
        assertEquals(calls, deepSeek.calls(), "a replay never calls the model");

        CassetteMissException system = assertThrows(CassetteMissException.class,
                () -> converse(agent(cassette(unreachable(), CassetteMode.REPLAY), tool, "你是一个律师。")));
        assertTrue(system.getMessage().contains("system"), system.getMessage());
        assertTrue(system.getMessage().contains("你是一个律师。") && system.getMessage().contains("你是助手。"), system.getMessage());
        assertTrue(system.getMessage().contains(system.key()));

        tool.bias = 1; // the tool now answers 85: the request that carries its result is new
        CassetteMissException result = assertThrows(CassetteMissException.class,
                () -> converse(agent(cassette(unreachable(), CassetteMode.REPLAY), tool, "你是助手。")));
        assertTrue(result.getMessage().contains("tool result of 'calculate'") && result.getMessage().contains("\"85\""),
                result.getMessage());

        // RECORD_MISSING replays what exists and records only the changed tool loop.
        int before = deepSeek.calls();
        converse(agent(cassette(deepSeek.chatModel(), CassetteMode.RECORD_MISSING), tool, "你是助手。"));
        assertTrue(deepSeek.calls() - before >= 1 && deepSeek.calls() - before < calls, "only the new requests were recorded");
    }

    @Test
    void aChangedParameterOrToolIsNamed() throws Exception {
        ChatModel recorder = cassette(deepSeek.chatModel(), CassetteMode.RECORD);
        ChatRequest request = ChatRequest.builder().messages(SystemMessage.from("sys"), UserMessage.from("什么是大模型？"))
                .temperature(0.2).build();
        recorder.chat(request);
        ChatModel replay = cassette(null, CassetteMode.REPLAY);
        assertEquals(recorder.chat(request).aiMessage().text(), replay.chat(request).aiMessage().text());
        CassetteMissException param = assertThrows(CassetteMissException.class, () -> replay.chat(ChatRequest.builder()
                .messages(request.messages()).temperature(0.9).build()));
        assertTrue(param.getMessage().contains("parameter 'temperature': recorded 0.2, now 0.9"), param.getMessage());
        CassetteMissException turn = assertThrows(CassetteMissException.class, () -> replay.chat(ChatRequest.builder()
                .messages(SystemMessage.from("sys"), UserMessage.from("什么是小模型？")).temperature(0.2).build()));
        assertTrue(turn.getMessage().contains("message 1 (user)"), turn.getMessage());

        // The model's own configuration is not in the key, but a replay with the model compares it.
        OpenAiChatModel hotter = DeepSeek.chatModel(DeepSeek.simulator(deepSeek.simulator).withModel("deepseek-reasoner"));
        CassetteMissException model = assertThrows(CassetteMissException.class,
                () -> cassette(hotter, CassetteMode.REPLAY).chat(request));
        assertTrue(model.getMessage().contains("the model's parameter 'modelName'"), model.getMessage());
    }

    @Test
    void theWholeResponseIsReplayedProviderUsageIncluded() {
        ChatModel recorder = cassette(deepSeek.chatModel(), CassetteMode.RECORD);
        ChatRequest request = ChatRequest.builder().messages(SystemMessage.from("sys"), UserMessage.from("什么是向量数据库？")).build();
        ChatResponse live = recorder.chat(request);
        ChatResponse replayed = cassette(null, CassetteMode.REPLAY).chat(request);
        assertEquals(live.aiMessage(), replayed.aiMessage());
        assertEquals(live.finishReason(), replayed.finishReason());
        assertEquals(live.tokenUsage().inputTokenCount(), replayed.tokenUsage().inputTokenCount());
        assertEquals(live.modelName(), replayed.modelName());
        assertTrue(ProviderCacheUsage.of(live).known());
        assertEquals(ProviderCacheUsage.of(live), ProviderCacheUsage.of(replayed), "DeepSeek's prefix-cache tokens");
    }

    @Test
    void aStreamIsReplayedThroughTheSameCallbacks() throws Exception {
        CassetteStreamingChatModel recorder = CassetteStreamingChatModel.builder().delegate(deepSeek.streamingChatModel())
                .directory(dir).mode(CassetteMode.RECORD).build();
        ChatRequest request = ChatRequest.builder().messages(SystemMessage.from("sys"), UserMessage.from("什么是语义缓存？")).build();
        CollectingHandler live = new CollectingHandler();
        recorder.chat(request, live);
        ChatResponse liveResponse = live.done.get(30, TimeUnit.SECONDS);
        assertTrue(live.partials.size() > 1);

        CassetteStreamingChatModel replay = CassetteStreamingChatModel.builder().directory(dir).build();
        CollectingHandler replayed = new CollectingHandler();
        replay.chat(request, replayed);
        assertEquals(live.partials, replayed.partials, "the same partial responses, in order");
        assertEquals(liveResponse.aiMessage(), replayed.done.get(5, TimeUnit.SECONDS).aiMessage());

        CollectingHandler missed = new CollectingHandler();
        replay.chat(ChatRequest.builder().messages(SystemMessage.from("another"), UserMessage.from("什么是语义缓存？")).build(), missed);
        Exception e = assertThrows(Exception.class, () -> missed.done.get(5, TimeUnit.SECONDS));
        assertInstanceOf(CassetteMissException.class, e.getCause(), "a miss reaches onError");

        // A streaming agent's whole turn.
        StreamingAgent agent = AiServices.builder(StreamingAgent.class).streamingChatModel(replay)
                .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20)).build();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        assertThrows(Exception.class, () -> {
            agent.chat("x", "never recorded").onPartialResponse(t -> { }).onCompleteResponse(done::complete)
                    .onError(done::completeExceptionally).start();
            done.get(5, TimeUnit.SECONDS);
        });
    }

    @Test
    void unreadableFilesFailWithTheirPathAndAreNeverRecordedOver() throws Exception {
        ChatModel recorder = cassette(deepSeek.chatModel(), CassetteMode.RECORD);
        ChatRequest request = ChatRequest.builder().messages(UserMessage.from("什么是知识图谱？")).build();
        recorder.chat(request);
        Path file;
        try (var files = Files.list(dir)) {
            file = files.filter(f -> f.toString().endsWith(".json")).findFirst().orElseThrow();
        }
        String good = Files.readString(file);
        assertTrue(good.startsWith("{\n  \"format\" : 1,\n  \"key\" : "), "pretty-printed, format first: " + good.substring(0, 40));

        for (String broken : List.of(good.substring(0, good.length() / 2), "", good.replace("\"format\" : 1", "\"format\" : 9"))) {
            Files.writeString(file, broken);
            for (CassetteMode mode : CassetteMode.values()) {
                int calls = deepSeek.calls();
                CassetteFormatException e = assertThrows(CassetteFormatException.class,
                        () -> cassette(deepSeek.chatModel(), mode).chat(request));
                assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
                assertEquals(calls, deepSeek.calls(), "never taken for a miss and recorded over");
                assertEquals(broken, Files.readString(file));
            }
        }
    }

    @Test
    void buildingRefusesWhatCannotWork() throws Exception {
        assertThrows(IllegalStateException.class, () -> CassetteChatModel.builder().directory(dir).mode(CassetteMode.RECORD).build(),
                "recording needs the model");
        assertThrows(IllegalStateException.class, () -> CassetteChatModel.builder().mode(CassetteMode.REPLAY).build());
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        RuntimeException e = assertThrows(RuntimeException.class, () -> CassetteChatModel.builder().delegate(deepSeek.chatModel())
                .directory(notADirectory.resolve("sub")).mode(CassetteMode.RECORD).build());
        assertTrue(e.getMessage().contains(notADirectory.resolve("sub").toString()), e.getMessage());
        CassetteChatModel.builder().directory(dir.resolve("none-yet")).build(); // a replay of nothing builds
    }

    @Test
    void theModeComesFromTheSystemPropertyOrTheEnvironment() {
        assertEquals(CassetteMode.REPLAY, CassetteMode.resolve(CassetteMode.REPLAY, null, Map.of()));
        assertEquals(CassetteMode.RECORD, CassetteMode.resolve(CassetteMode.REPLAY, "record", Map.of()));
        assertEquals(CassetteMode.RECORD_MISSING, CassetteMode.resolve(CassetteMode.REPLAY, null,
                Map.of(CassetteMode.ENVIRONMENT, "record-missing")));
        assertEquals(CassetteMode.REPLAY, CassetteMode.resolve(CassetteMode.RECORD, "replay", Map.of(CassetteMode.ENVIRONMENT, "record")));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> CassetteMode.resolve(CassetteMode.REPLAY, "rewind", Map.of()));
        assertTrue(bad.getMessage().contains(CassetteMode.PROPERTY));
    }

    @Test
    void theRedactorEditsTheCopyForPeopleOnly() throws Exception {
        ChatModel recorder = CassetteChatModel.builder().delegate(deepSeek.chatModel()).directory(dir).mode(CassetteMode.RECORD)
                .redactor(s -> s.replace("4111-1111", "****")).build();
        ChatRequest request = ChatRequest.builder().messages(UserMessage.from("我的卡号 4111-1111 怎么挂失？")).build();
        String answer = recorder.chat(request).aiMessage().text();
        try (var files = Files.list(dir)) {
            String described = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(Files.readString(files.findFirst().orElseThrow())).get("request").toString();
            assertTrue(described.contains("我的卡号 **** 怎么挂失？") && !described.contains("4111-1111"), described);
        }
        assertEquals(answer, cassette(null, CassetteMode.REPLAY).chat(request).aiMessage().text(), "the key is the real request's");
    }

    @Test
    void parallelRecordingsNeverLeaveAHalfWrittenFile() throws Exception {
        ChatModel recorder = cassette(deepSeek.chatModel(), CassetteMode.RECORD);
        ChatRequest request = ChatRequest.builder().messages(UserMessage.from("什么是强化学习？")).build();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> all = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            all.add(pool.submit(() -> recorder.chat(request)));
        }
        for (Future<?> f : all) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        try (var files = Files.list(dir)) {
            assertEquals(List.of(".json"), files.map(f -> f.getFileName().toString().replaceAll("^[0-9a-f]{64}", "")).toList(),
                    "one file, no temporary left");
        }
        assertEquals(recorder.chat(request).aiMessage().text(), cassette(null, CassetteMode.REPLAY).chat(request).aiMessage().text());
    }
}
