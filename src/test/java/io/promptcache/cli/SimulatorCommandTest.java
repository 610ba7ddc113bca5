package io.promptcache.cli;

import dev.langchain4j.model.chat.response.ChatResponse;
import io.promptcache.deepseek.DeepSeek;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code promptcache simulator} serves DeepSeek's API to any OpenAI-compatible client until stopped. */
class SimulatorCommandTest {

    @Test
    void anOpenAiClientTalksToTheSimulatorItStarts() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SimulatorCommand command = new SimulatorCommand(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> new CommandLine(command).execute("--port", "0"));
        Matcher url = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+)").matcher("");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!url.reset(bytes.toString(StandardCharsets.UTF_8)).find() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(url.reset(bytes.toString(StandardCharsets.UTF_8)).find(), "it prints its base URL");
        ChatResponse r = DeepSeek.chatModel(new DeepSeek.Endpoint(url.group(1), "any-key", "deepseek-chat", Duration.ofSeconds(10)))
                .chat(dev.langchain4j.model.chat.request.ChatRequest.builder()
                        .messages(dev.langchain4j.data.message.UserMessage.from("什么是大模型？")).build());
        assertTrue(r.aiMessage().text().contains("大模型"));
        command.stop();
        assertEquals(0, exit.get());
    }

    @Test
    void aBadPortIsRefused() {
        assertEquals(2, new CommandLine(new SimulatorCommand(new PrintStream(new ByteArrayOutputStream())))
                .setExecutionExceptionHandler((e, cmd, parsed) -> e instanceof IllegalArgumentException ? 2 : 1)
                .execute("--port", "70000"));
    }
}
