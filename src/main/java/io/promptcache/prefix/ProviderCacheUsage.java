package io.promptcache.prefix;

import io.promptcache.core.CacheAnswer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.http.client.sse.ServerSentEvent;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatResponseMetadata;
import dev.langchain4j.model.openai.OpenAiTokenUsage;
import dev.langchain4j.model.output.TokenUsage;
import io.promptcache.key.CanonicalJson;

import java.util.List;

/**
 * The provider's own prompt-cache accounting for one call: DeepSeek's {@code prompt_cache_hit_tokens}
 * and {@code prompt_cache_miss_tokens}, or OpenAI's {@code prompt_tokens_details.cached_tokens}.
 *
 * @param promptTokens prompt tokens billed for the call, or {@code null} when unknown
 * @param hitTokens    prompt tokens served from the provider's prefix cache, or {@code null} when unknown
 * @param missTokens   prompt tokens not served from it, or {@code null} when unknown
 */
public record ProviderCacheUsage(Integer promptTokens, Integer hitTokens, Integer missTokens) {

    public static final ProviderCacheUsage NONE = new ProviderCacheUsage(0, 0, 0);
    public static final ProviderCacheUsage UNKNOWN = new ProviderCacheUsage(null, null, null);

    public boolean known() {
        return hitTokens != null;
    }

    /** Share of prompt tokens that hit the provider's cache, or 0 when unknown. */
    public double hitRatio() {
        int hit = hitTokens == null ? 0 : hitTokens;
        int miss = missTokens == null ? 0 : missTokens;
        return hit + miss == 0 ? 0 : (double) hit / (hit + miss);
    }

    public ProviderCacheUsage plus(ProviderCacheUsage other) {
        if (other == null || !other.known()) {
            return this;
        }
        if (!known()) {
            return other;
        }
        return new ProviderCacheUsage(sum(promptTokens, other.promptTokens), sum(hitTokens, other.hitTokens),
                sum(missTokens, other.missTokens));
    }

    private static Integer sum(Integer a, Integer b) {
        return (a == null ? 0 : a) + (b == null ? 0 : b);
    }

    /** Reads the accounting from a response of {@code OpenAiChatModel} or {@code OpenAiStreamingChatModel}. */
    public static ProviderCacheUsage of(ChatResponse response) {
        if (response == null) {
            return UNKNOWN;
        }
        ProviderCacheUsage raw = fromUsage(usageObject(response));
        return raw.known() ? raw : fromTokenUsage(response.tokenUsage());
    }

    /** Reads the accounting from an answer's raw {@code usage} object ({@link CacheAnswer#rawUsage()}). */
    public static ProviderCacheUsage of(CacheAnswer answer) {
        if (answer == null || answer.rawUsage() == null) {
            return UNKNOWN;
        }
        try {
            return fromUsage(CanonicalJson.mapper().readTree(answer.rawUsage()));
        } catch (Exception e) {
            return UNKNOWN;
        }
    }

    /**
     * The provider's {@code usage} object as it sent it (the response body's, or the last server-sent event's
     * that has one), or {@code null}: for a response of {@code OpenAiChatModel} or {@code OpenAiStreamingChatModel}.
     */
    public static JsonNode usageObject(ChatResponse response) {
        if (response != null && response.metadata() instanceof OpenAiChatResponseMetadata openAi) {
            if (openAi.rawHttpResponse() != null && openAi.rawHttpResponse().body() != null) {
                JsonNode usage = usageOf(openAi.rawHttpResponse().body());
                if (usage != null) {
                    return usage;
                }
            }
            List<ServerSentEvent> events = openAi.rawServerSentEvents();
            for (int i = events == null ? -1 : events.size() - 1; i >= 0; i--) {
                String data = events.get(i).data();
                if (data != null && !data.isBlank() && !data.strip().equals("[DONE]")) {
                    JsonNode usage = usageOf(data);
                    if (usage != null) {
                        return usage;
                    }
                }
            }
        }
        return null;
    }

    private static JsonNode usageOf(String body) {
        try {
            JsonNode usage = CanonicalJson.mapper().readTree(body).path("usage");
            return usage.isObject() ? usage : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** Parses the {@code usage} object of a non-streaming {@code /chat/completions} body. */
    public static ProviderCacheUsage fromJsonBody(String body) {
        try {
            return fromUsage(CanonicalJson.mapper().readTree(body).path("usage"));
        } catch (Exception e) {
            return UNKNOWN;
        }
    }

    /** Parses the last server-sent event that carries {@code usage}. */
    public static ProviderCacheUsage fromServerSentEvents(List<ServerSentEvent> events) {
        if (events == null) {
            return UNKNOWN;
        }
        for (int i = events.size() - 1; i >= 0; i--) {
            String data = events.get(i).data();
            if (data == null || data.isBlank() || data.strip().equals("[DONE]")) {
                continue;
            }
            ProviderCacheUsage usage = fromJsonBody(data);
            if (usage.known()) {
                return usage;
            }
        }
        return UNKNOWN;
    }

    static ProviderCacheUsage fromUsage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return UNKNOWN;
        }
        Integer prompt = usage.hasNonNull("prompt_tokens") ? usage.get("prompt_tokens").asInt() : null;
        if (usage.hasNonNull("prompt_cache_hit_tokens")) {
            int hit = usage.get("prompt_cache_hit_tokens").asInt();
            Integer miss = usage.hasNonNull("prompt_cache_miss_tokens")
                    ? usage.get("prompt_cache_miss_tokens").asInt()
                    : prompt == null ? null : prompt - hit;
            return new ProviderCacheUsage(prompt, hit, miss);
        }
        JsonNode cached = usage.path("prompt_tokens_details").path("cached_tokens");
        if (cached.isNumber()) {
            int hit = cached.asInt();
            return new ProviderCacheUsage(prompt, hit, prompt == null ? null : prompt - hit);
        }
        return UNKNOWN;
    }

    static ProviderCacheUsage fromTokenUsage(TokenUsage usage) {
        if (usage instanceof OpenAiTokenUsage openAi && openAi.inputTokensDetails() != null
                && openAi.inputTokensDetails().cachedTokens() != null) {
            int hit = openAi.inputTokensDetails().cachedTokens();
            Integer prompt = openAi.inputTokenCount();
            return new ProviderCacheUsage(prompt, hit, prompt == null ? null : prompt - hit);
        }
        return UNKNOWN;
    }
}
