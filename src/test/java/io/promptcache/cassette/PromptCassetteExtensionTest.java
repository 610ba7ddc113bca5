package io.promptcache.cassette;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.promptcache.testing.SimulatedDeepSeek;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JUnit extension as a user's test leans on it: the recordings are committed under
 * src/test/resources/cassettes, and the test replays them (re-record with -Dpromptcache.cassette.mode=record).
 */
@PromptCassette
class PromptCassetteExtensionTest {

    final SimulatedDeepSeek deepSeek = new SimulatedDeepSeek();
    CassetteModels cassettes; // filled before each test

    @AfterEach
    void stop() {
        deepSeek.close();
    }

    static final ChatRequest REQUEST = ChatRequest.builder()
            .messages(SystemMessage.from("你是一个简洁的助手。"), UserMessage.from("什么是大模型？")).build();

    @Test
    void aParameterAndAFieldGetTheDefaultDirectory(CassetteModels parameter) {
        assertEquals(Path.of("src/test/resources/cassettes/PromptCassetteExtensionTest/aParameterAndAFieldGetTheDefaultDirectory"),
                parameter.directory());
        assertEquals(parameter.directory(), cassettes.directory(), "the field is filled too");
        ChatModel model = parameter.wrap(deepSeek.chatModel());
        String answer = model.chat(REQUEST).aiMessage().text();
        assertTrue(answer.contains("大模型"), answer);
        if (((CassetteChatModel) model).mode() == CassetteMode.REPLAY) {
            assertEquals(0, deepSeek.calls(), "replayed from the committed recording");
            assertTrue(Files.isDirectory(parameter.directory()));
        }
    }

    @Test
    @PromptCassette("src/test/resources/cassettes/shared-by-name")
    void aMethodsAnnotationNamesItsOwnDirectory(CassetteModels parameter) {
        assertEquals(Path.of("src/test/resources/cassettes/shared-by-name"), parameter.directory());
        String answer = parameter.wrap(deepSeek.chatModel()).chat(REQUEST).aiMessage().text();
        assertEquals(answer, parameter.replayOnly().chat(REQUEST).aiMessage().text(), "no model needed to replay");
    }
}
