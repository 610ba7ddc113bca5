package com.example.agent;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import io.promptcache.cassette.CassetteChatModel;
import io.promptcache.cassette.CassetteMissException;
import io.promptcache.cassette.CassetteMode;
import io.promptcache.cassette.CassetteStreamingChatModel;
import io.promptcache.deepseek.DeepSeekSimulator;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Record once against `promptcache simulator`, then replay with the simulator stopped: three turns with a tool
 * loop and memory, blocking and streaming. A changed system prompt is a miss that says so.
 */
class AgentCassetteTest {

    static final String SYSTEM = "You are a concise assistant. Use the calculator for arithmetic.";
    static final List<String> TURNS = List.of("What is a large language model?", "Please calculate 12*7",
            "What are its main uses?");
    static final Path CASSETTES = Path.of("target/cassettes/agent");

    @Test
    void recordedOnceThenReplayedWithTheModelGone() throws Exception {
        DeepSeekSimulator simulator = DeepSeekSimulator.builder().start(); // what `promptcache simulator` serves
        String url = simulator.baseUrl();
        List<String> recorded;
        try {
            recorded = conversation(url, CassetteMode.RECORD, SYSTEM);
        } finally {
            simulator.close();
        }
        assertTrue(recorded.get(1).contains("84") && recorded.get(4).contains("84"), "the tool ran: " + recorded);
        int calls = simulator.completionRequests();
        assertTrue(calls >= 8, "two conversations, each with a tool loop, reached the model: " + calls);

        assertEquals(recorded, conversation(url, CassetteMode.REPLAY, SYSTEM), "replayed with nothing listening at " + url);

        CassetteMissException changed = assertThrows(CassetteMissException.class,
                () -> conversation(url, CassetteMode.REPLAY, "You are a pirate. Use the calculator for arithmetic."));
        assertTrue(changed.getMessage().contains("system"), changed.getMessage());
    }

    /** Three turns blocking, then the same three streaming; the answers in order. */
    static List<String> conversation(String url, CassetteMode mode, String system) throws Exception {
        CassetteChatModel model = CassetteChatModel.builder()
                .delegate(OpenAiChatModel.builder().baseUrl(url).apiKey("sk-any").modelName("deepseek-chat").build())
                .directory(CASSETTES).mode(mode).build();
        CassetteStreamingChatModel streaming = CassetteStreamingChatModel.builder()
                .delegate(OpenAiStreamingChatModel.builder().baseUrl(url).apiKey("sk-any").modelName("deepseek-chat").build())
                .directory(CASSETTES).mode(mode).build();
        List<String> answers = new ArrayList<>();
        Agents.Assistant assistant = Agents.assistant(model, system);
        for (String turn : TURNS) {
            answers.add(assistant.chat("blocking", turn));
        }
        Agents.StreamingAssistant streamingAssistant = Agents.streamingAssistant(streaming, system);
        for (String turn : TURNS) {
            CompletableFuture<ChatResponse> done = new CompletableFuture<>();
            streamingAssistant.chat("streaming", turn).onPartialResponse(t -> { }).onCompleteResponse(done::complete)
                    .onError(done::completeExceptionally).start();
            try {
                answers.add(done.get(60, TimeUnit.SECONDS).aiMessage().text());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw e;
            }
        }
        return answers;
    }
}
