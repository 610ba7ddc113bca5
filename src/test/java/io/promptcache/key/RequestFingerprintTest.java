package io.promptcache.key;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestFingerprintTest {

    static ChatRequest.Builder base() {
        return ChatRequest.builder().messages(SystemMessage.from("sys"), UserMessage.from("q"))
                .modelName("deepseek-chat").temperature(0.2);
    }

    static ToolSpecification tool(String name, String param) {
        return ToolSpecification.builder().name(name).description(name)
                .parameters(JsonObjectSchema.builder().addStringProperty(param).required(param).build()).build();
    }

    @Test
    void keysAreHexSha256AndDeterministic() {
        RequestFingerprint a = RequestFingerprint.of(base().build(), "t", null);
        RequestFingerprint b = RequestFingerprint.of(base().build(), "t", null);
        assertEquals(a, b);
        assertTrue(a.exactKey().matches("[0-9a-f]{64}"));
        assertTrue(a.scopeKey().matches("[0-9a-f]{64}"));
        assertNotEquals(a.exactKey(), a.scopeKey());
    }

    @Test
    void everyPartOfTheEffectiveRequestChangesTheExactKey() {
        Set<String> keys = new HashSet<>();
        keys.add(RequestFingerprint.of(base().build(), "t", null).exactKey());
        keys.add(RequestFingerprint.of(base().build(), "t2", null).exactKey());
        keys.add(RequestFingerprint.of(base().build(), "t", "u").exactKey());
        keys.add(RequestFingerprint.of(base().temperature(0.3).build(), "t", null).exactKey());
        keys.add(RequestFingerprint.of(base().modelName("deepseek-reasoner").build(), "t", null).exactKey());
        keys.add(RequestFingerprint.of(base().topP(0.5).build(), "t", null).exactKey());
        keys.add(RequestFingerprint.of(base().maxOutputTokens(10).build(), "t", null).exactKey());
        keys.add(RequestFingerprint.of(base().stopSequences(List.of("x")).build(), "t", null).exactKey());
        keys.add(RequestFingerprint.of(base().responseFormat(ResponseFormat.JSON).build(), "t", null).exactKey());
        keys.add(RequestFingerprint.of(base().toolSpecifications(tool("a", "x")).build(), "t", null).exactKey());
        keys.add(RequestFingerprint.of(base().toolSpecifications(tool("a", "y")).build(), "t", null).exactKey());
        keys.add(RequestFingerprint.of(base().messages(SystemMessage.from("sys2"), UserMessage.from("q")).build(), "t", null).exactKey());
        keys.add(RequestFingerprint.of(base().messages(SystemMessage.from("sys"), UserMessage.from("q2")).build(), "t", null).exactKey());
        assertEquals(13, keys.size());
    }

    @Test
    void providerSpecificParametersChangeTheKey() {
        ChatRequest seed1 = ChatRequest.builder().messages(UserMessage.from("q"))
                .parameters(OpenAiChatRequestParameters.builder().modelName("m").seed(1).build()).build();
        ChatRequest seed2 = ChatRequest.builder().messages(UserMessage.from("q"))
                .parameters(OpenAiChatRequestParameters.builder().modelName("m").seed(2).build()).build();
        assertNotEquals(RequestFingerprint.of(seed1, "t", null).exactKey(), RequestFingerprint.of(seed2, "t", null).exactKey());
    }

    @Test
    void toolOrderDoesNotMatter() {
        ChatRequest ab = base().toolSpecifications(tool("a", "x"), tool("b", "y")).build();
        ChatRequest ba = base().toolSpecifications(tool("b", "y"), tool("a", "x")).build();
        assertEquals(RequestFingerprint.of(ab, "t", null), RequestFingerprint.of(ba, "t", null));
    }

    @Test
    void scopeIgnoresTheQuestionButNotTheConversationBeforeIt() {
        RequestFingerprint q1 = RequestFingerprint.of(base().build(), "t", null);
        RequestFingerprint q2 = RequestFingerprint.of(base().messages(SystemMessage.from("sys"), UserMessage.from("other")).build(), "t", null);
        assertEquals(q1.scopeKey(), q2.scopeKey());
        assertNotEquals(q1.exactKey(), q2.exactKey());

        RequestFingerprint followUpA = RequestFingerprint.of(base().messages(SystemMessage.from("sys"),
                UserMessage.from("介绍北京"), AiMessage.from("北京是..."), UserMessage.from("它有多少人口？")).build(), "t", null);
        RequestFingerprint followUpB = RequestFingerprint.of(base().messages(SystemMessage.from("sys"),
                UserMessage.from("介绍上海"), AiMessage.from("上海是..."), UserMessage.from("它有多少人口？")).build(), "t", null);
        assertNotEquals(followUpA.scopeKey(), followUpB.scopeKey());
        assertEquals(2, followUpA.conversationTurns());
        assertNotEquals(q1.scopeKey(), RequestFingerprint.of(base().build(), "other-tenant", null).scopeKey());
    }

    @Test
    void onlyARequestEndingInAPlainUserMessageIsSemanticallyEligible() {
        assertTrue(RequestFingerprint.of(base().build(), "t", null).semanticEligible());
        assertFalse(RequestFingerprint.of(base().messages(UserMessage.from("q"), AiMessage.from("a")).build(), "t", null)
                .semanticEligible());
    }

    @Test
    void hostileTenantIdsCannotCollideWithOthers() {
        // A tenant id that embeds another's id and separators must still produce a different key.
        String k1 = RequestFingerprint.of(base().build(), "a", null).exactKey();
        String k2 = RequestFingerprint.of(base().build(), "a\",\"user\":\"x", null).exactKey();
        String k3 = RequestFingerprint.of(base().build(), "a", "\"x").exactKey();
        assertEquals(3, Set.of(k1, k2, k3).size());
    }
}
