package io.promptcache.core;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.promptcache.CachePolicy;
import io.promptcache.key.RequestFingerprint;
import io.promptcache.langchain4j.LangChain4jConversions;
import io.promptcache.store.StoredResponse;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine's own request model: what a front door that is not LangChain4j builds, and how it is keyed. */
class CacheRequestTest {

    static final CacheTool WEATHER = new CacheTool("weather", "{\"description\":\"weather\",\"name\":\"weather\"}");
    static final CacheTool CLOCK = new CacheTool("clock", "{\"description\":\"time\",\"name\":\"clock\"}");

    static CacheRequest.Builder base() {
        return CacheRequest.builder().messages(List.of(CacheMessage.system("Be brief."), CacheMessage.user("q")))
                .parametersJson("{\"model\":\"deepseek-chat\",\"temperature\":0.2}").modelName("deepseek-chat");
    }

    static String exact(CacheRequest r) {
        return RequestFingerprint.of(r, "acme", null).exactKey();
    }

    @Test
    void everyPartOfANeutralRequestSplitsTheKey() {
        Set<String> keys = new HashSet<>();
        keys.add(exact(base().build()));
        keys.add(exact(base().parametersJson("{\"model\":\"deepseek-chat\",\"temperature\":0.3}").build()));
        keys.add(exact(base().tools(List.of(WEATHER)).build()));
        keys.add(exact(base().messages(List.of(CacheMessage.system("Be long."), CacheMessage.user("q"))).build()));
        keys.add(exact(base().messages(List.of(CacheMessage.user("Be brief."), CacheMessage.user("q"))).build()));
        keys.add(exact(base().messages(List.of(CacheMessage.system("Be brief."), CacheMessage.user("q"),
                CacheMessage.assistant(null, List.of(new CacheMessage.ToolCall("1", "weather", "{\"city\":\"Oslo\"}"))))).build()));
        keys.add(exact(base().messages(List.of(CacheMessage.system("Be brief."), CacheMessage.user("q"),
                CacheMessage.assistant(null, List.of(new CacheMessage.ToolCall("1", "weather", "{\"city\":\"Bergen\"}"))))).build()));
        keys.add(exact(base().messages(List.of(CacheMessage.system("Be brief."), CacheMessage.user("q"),
                CacheMessage.toolResult("1", "weather", "rain"))).build()));
        keys.add(exact(base().messages(List.of(CacheMessage.system("Be brief."), CacheMessage.user("q"),
                CacheMessage.toolResult("2", "weather", "rain"))).build()));
        assertEquals(9, keys.size());
        assertNotEquals(exact(base().build()), RequestFingerprint.of(base().build(), "globex", null).exactKey());
    }

    @Test
    void theToolSetIsKeyedWhateverItsOrder() {
        assertEquals(exact(base().tools(List.of(WEATHER, CLOCK)).build()), exact(base().tools(List.of(CLOCK, WEATHER)).build()));
    }

    @Test
    void onlyAPlainUserQuestionIsMatchedByMeaning() {
        RequestFingerprint plain = RequestFingerprint.of(base().build(), "acme", null);
        assertTrue(plain.semanticEligible());
        assertEquals("q", plain.question());
        CacheRequest image = base().messages(List.of(new CacheMessage(CacheMessage.Role.USER, null, false, List.of(),
                null, null, "{\"role\":\"USER\",\"parts\":[\"q\",\"image:cat.png\"]}"))).build();
        RequestFingerprint withImage = RequestFingerprint.of(image, "acme", null);
        assertFalse(withImage.semanticEligible());
        assertNull(withImage.question());
        assertNotEquals(plain.exactKey(), withImage.exactKey());
        assertThrows(IllegalArgumentException.class,
                () -> new CacheMessage(CacheMessage.Role.USER, null, true, List.of(), null, null, "{}"));
    }

    @Test
    void aCanonicalQuestionIsKeyedAsIfItHadBeenAsked() {
        // neutral encoding, and LangChain4j's: replacing a question must give the key of the request that asked it
        CacheRequest paraphrased = base().messages(List.of(CacheMessage.user("hi, who are you"),
                CacheMessage.assistant("A helper.", List.of()), CacheMessage.user("and then?"))).build();
        CacheRequest canonical = base().messages(List.of(CacheMessage.user("Who are you?"),
                CacheMessage.assistant("A helper.", List.of()), CacheMessage.user("and then?"))).build();
        assertEquals(exact(canonical), RequestFingerprint.of(paraphrased, "acme", null, Map.of(0, "Who are you?")).exactKey());

        ChatRequest lcParaphrased = ChatRequest.builder().messages(UserMessage.from("hi, who are you"),
                AiMessage.from("A helper."), UserMessage.from("and then?")).build();
        ChatRequest lcCanonical = ChatRequest.builder().messages(UserMessage.from("Who are you?"),
                AiMessage.from("A helper."), UserMessage.from("and then?")).build();
        assertEquals(RequestFingerprint.of(lcCanonical, "acme", null).exactKey(),
                RequestFingerprint.of(lcParaphrased, "acme", null, Map.of(0, "Who are you?")).exactKey());
    }

    @Test
    void aLangChain4jAnswerCrossesTheCoreUnchanged() {
        ChatResponse response = ChatResponse.builder()
                .aiMessage(AiMessage.from(ToolExecutionRequest.builder().id("c1").name("weather").arguments("{}").build()))
                .finishReason(FinishReason.TOOL_EXECUTION).tokenUsage(new TokenUsage(10, 3, 13)).modelName("deepseek-chat")
                .id("r1").build();
        CacheAnswer answer = LangChain4jConversions.answer(response);
        assertEquals(CacheAnswer.TOOL_CALLS, answer.finishReason());
        assertEquals(List.of(new CacheMessage.ToolCall("c1", "weather", "{}")), answer.toolCalls());
        ChatResponse back = LangChain4jConversions.chatResponse(answer);
        assertEquals(response.aiMessage(), back.aiMessage());
        assertEquals(response.finishReason(), back.finishReason());
        assertEquals(response.tokenUsage(), back.tokenUsage());
        assertEquals(response.modelName(), back.modelName());
        assertEquals(response.id(), back.id());
        assertEquals(StoredResponse.from(response), StoredResponse.from(answer));
        assertEquals(answer, StoredResponse.from(answer).toAnswer());

        CachePolicy policy = CachePolicy.defaults();
        assertEquals(policy.whyNotCacheable(response), policy.whyNotCacheable(answer));
        assertEquals("requests tool calls", policy.whyNotCacheable(answer));
        assertNull(CachePolicy.builder().cacheToolCallResponses(true).build().whyNotCacheable(answer));
        CacheAnswer cut = new CacheAnswer("partial", null, CacheAnswer.LENGTH, null, null, null, null, null, null, null);
        assertEquals("finish reason LENGTH", policy.whyNotCacheable(cut));
    }

    @Test
    void aLangChain4jRequestBecomesTheSameMessagesWithRoles() {
        CacheRequest r = LangChain4jConversions.request(ChatRequest.builder()
                .messages(SystemMessage.from("s"), UserMessage.from("u"), AiMessage.from("a")).modelName("m").build());
        assertEquals(List.of(CacheMessage.Role.SYSTEM, CacheMessage.Role.USER, CacheMessage.Role.ASSISTANT),
                r.messages().stream().map(CacheMessage::role).toList());
        assertEquals("m", r.modelName());
        assertEquals(1, r.lastUserIndex());
        assertNull(r.question(), "the request ends with the assistant");
    }
}
