package io.promptcache.prefix;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.http.client.sse.ServerSentEvent;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiTokenUsage;
import dev.langchain4j.model.output.TokenUsage;
import io.promptcache.core.CacheAnswer;
import io.promptcache.langchain4j.LangChain4jConversions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class ProviderCacheUsageTest {

    @Test
    void readsDeepSeekFieldsFromAJsonBody() {
        ProviderCacheUsage u = ProviderCacheUsage.fromJsonBody("""
                {"id":"x","usage":{"prompt_tokens":100,"completion_tokens":5,"total_tokens":105,
                 "prompt_cache_hit_tokens":64,"prompt_cache_miss_tokens":36}}""");
        assertEquals(new ProviderCacheUsage(100, 64, 36), u);
        assertEquals(0.64, u.hitRatio(), 1e-9);
    }

    @Test
    void fallsBackToOpenAiCachedTokens() {
        ProviderCacheUsage u = ProviderCacheUsage.fromJsonBody("""
                {"usage":{"prompt_tokens":200,"prompt_tokens_details":{"cached_tokens":128}}}""");
        assertEquals(new ProviderCacheUsage(200, 128, 72), u);
    }

    @Test
    void readsTheLastUsageOfAStream() {
        List<ServerSentEvent> events = List.of(
                new ServerSentEvent(null, "{\"choices\":[{\"delta\":{\"content\":\"a\"}}]}"),
                new ServerSentEvent(null, "{\"choices\":[],\"usage\":{\"prompt_tokens\":80,\"prompt_cache_hit_tokens\":0,\"prompt_cache_miss_tokens\":80}}"),
                new ServerSentEvent(null, "[DONE]"));
        assertEquals(new ProviderCacheUsage(80, 0, 80), ProviderCacheUsage.fromServerSentEvents(events));
    }

    @Test
    void readsAnAnswersRawUsageAsTheLangChain4jResponseItCameFrom() {
        // the client kept no raw body: OpenAI's cached tokens, as the client read them, are the usage there is
        ChatResponse response = ChatResponse.builder().aiMessage(AiMessage.from("a"))
                .tokenUsage(OpenAiTokenUsage.builder().inputTokenCount(200).outputTokenCount(5)
                        .inputTokensDetails(OpenAiTokenUsage.InputTokensDetails.builder().cachedTokens(128).build()).build())
                .build();
        CacheAnswer answer = LangChain4jConversions.answer(response);
        assertEquals(ProviderCacheUsage.of(response), ProviderCacheUsage.of(answer));
        assertEquals(new ProviderCacheUsage(200, 128, 72), ProviderCacheUsage.of(answer));
        assertFalse(ProviderCacheUsage.of(LangChain4jConversions.answer(ChatResponse.builder()
                .aiMessage(AiMessage.from("a")).tokenUsage(new TokenUsage(10, 2)).build())).known());
    }

    @Test
    void unknownWhenAbsentOrMalformed() {
        assertFalse(ProviderCacheUsage.fromJsonBody("{\"usage\":{\"prompt_tokens\":3}}").known());
        assertFalse(ProviderCacheUsage.fromJsonBody("not json").known());
    }
}
