package io.promptcache.key;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The keys of fixed requests, as version 0.2.0 computed them. An entry stored by an earlier release must still be
 * found after an upgrade: a change here is a change of every key in every user's store, and needs a new key version.
 */
class KeyStabilityTest {

    static ToolSpecification tool(String name, String param) {
        return ToolSpecification.builder().name(name).description("does " + name)
                .parameters(JsonObjectSchema.builder().addStringProperty(param).required(param).build()).build();
    }

    static ChatRequest conversation() {
        return ChatRequest.builder()
                .messages(SystemMessage.from("你是一个乐于助人的助手。"),
                        UserMessage.from("Who are you?"),
                        AiMessage.from("A helpful assistant."),
                        UserMessage.from("What is the weather in Oslo?"),
                        AiMessage.from(ToolExecutionRequest.builder().id("call_1").name("weather")
                                .arguments("{\"city\":\"Oslo\"}").build()),
                        ToolExecutionResultMessage.from("call_1", "weather", "rain, 7°C"),
                        AiMessage.from("It rains in Oslo, 7°C."),
                        UserMessage.from("And tomorrow?"))
                .parameters(OpenAiChatRequestParameters.builder().modelName("deepseek-chat").temperature(0.2)
                        .seed(7).maxOutputTokens(300).toolSpecifications(tool("weather", "city"), tool("clock", "zone"))
                        .customParameters(Map.of("thinking", Map.of("type", "disabled"))).build())
                .build();
    }

    static ChatRequest multimodal() {
        return ChatRequest.builder().messages(UserMessage.from(TextContent.from("What is this?"),
                        ImageContent.from("https://example.com/cat.png")))
                .modelName("deepseek-chat").responseFormat(ResponseFormat.JSON).build();
    }

    @Test
    void aConversationWithToolsAndParametersKeepsItsKeys() {
        RequestFingerprint fp = RequestFingerprint.of(conversation(), "acme", null);
        assertEquals("b8ca428ec8642ef52141bf4c153513f18685faebb68c2784383b98af9b34d967", fp.exactKey());
        assertEquals("788fe4f7e8355bb85bde44fa281eec7f22f1042f5dc2bf1eaa5160ebaa07373f", fp.scopeKey());
        assertEquals(List.of(new RequestFingerprint.Turn(1,
                "6964f8adb57e752d2e24d11584010e39ba21ce8d962bd8f031a661c2cf7b3839")), fp.turns());
        assertEquals("272cf0059eee6213708a2b6062a6c6cb9bdcc8897ddd9a98359846a4475fefa2", fp.turnKey("It will be dry."));
        assertEquals("And tomorrow?", fp.question());
        assertEquals(6, fp.conversationTurns());
    }

    @Test
    void aUserIsolatedKeyKeepsItsKeys() {
        RequestFingerprint fp = RequestFingerprint.of(conversation(), "acme", "alice");
        assertEquals("5712e460364eb2a351f672b7246c27eadf4dbe1669cdf3fd483294e7087f9db5", fp.exactKey());
        assertEquals("8a900df3cd4a0ced941fc77970649aa9582fc7fa148c3bca967d88616d79a5e6", fp.scopeKey());
    }

    @Test
    void aCanonicalConversationKeepsItsKeys() {
        RequestFingerprint fp = RequestFingerprint.of(conversation(), "acme", null, Map.of(1, "Who are you, please?"));
        assertEquals("0aec4130d029744e9170272f6b6955435e7d8876bc4ee9b8fa9a056a7569cb3b", fp.exactKey());
        assertEquals("71de50dce393aa11b31d3894fe0255928a32d8ceac2b241f0ff867f71b28800a", fp.scopeKey());
        assertEquals("788fe4f7e8355bb85bde44fa281eec7f22f1042f5dc2bf1eaa5160ebaa07373f", fp.literalScopeKey());
    }

    @Test
    void aMultimodalQuestionKeepsItsKeysAndIsNotSemantic() {
        RequestFingerprint fp = RequestFingerprint.of(multimodal(), "acme", null);
        assertEquals("c60a0644e06976f38646be41c45415bca8092694e9711a5762214f90b0663169", fp.exactKey());
        assertEquals("53439c7f2fb9b693118097a234153996c815497e65299a4f57a3a931cf9090ff", fp.scopeKey());
        assertEquals(null, fp.question());
        assertEquals(false, fp.semanticEligible());
    }
}
