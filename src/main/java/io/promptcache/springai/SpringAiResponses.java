package io.promptcache.springai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.model.openai.OpenAiChatResponseMetadata;
import dev.langchain4j.model.openai.OpenAiTokenUsage;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.promptcache.CacheOutcome;
import io.promptcache.key.CanonicalJson;
import io.promptcache.prefix.ProviderCacheUsage;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Spring AI's answer in the engine's model and back: the text, the tool calls, the finish reason, Spring AI's token
 * usage and the provider's own usage object (DeepSeek's {@code prompt_cache_hit_tokens} and
 * {@code prompt_cache_miss_tokens} among its extra fields), which the prefix accounting reads.
 */
final class SpringAiResponses {

    /** Metadata keys of an answer that went through the cache. */
    static final String SOURCE = "promptcache.source";
    static final String ENTRY = "promptcache.entry";
    static final String SIMILARITY = "promptcache.similarity";

    private SpringAiResponses() {
    }

    /** A downstream answer in the engine's model; null when it has no generation (then it is not cached). */
    static dev.langchain4j.model.chat.response.ChatResponse toEngine(ChatResponse response) {
        if (response == null || response.getResults().size() != 1 || response.getResult().getOutput() == null) {
            return null;
        }
        Generation generation = response.getResult();
        AssistantMessage output = generation.getOutput();
        List<ToolExecutionRequest> calls = new ArrayList<>();
        for (AssistantMessage.ToolCall call : output.getToolCalls()) {
            calls.add(ToolExecutionRequest.builder().id(call.id()).name(call.name())
                    .arguments(call.arguments() == null ? "" : call.arguments()).build());
        }
        String text = output.getText();
        if (text != null && text.isEmpty() && !calls.isEmpty()) {
            text = null; // a tool call's empty content is no answer text
        } else if (text == null && calls.isEmpty()) {
            text = "";
        }
        AiMessage ai = AiMessage.builder().text(text).toolExecutionRequests(calls).build();
        ChatResponseMetadata meta = response.getMetadata();
        Usage usage = meta == null ? null : meta.getUsage();
        ObjectNode raw = usageObject(usage);
        OpenAiChatResponseMetadata.Builder m = OpenAiChatResponseMetadata.builder()
                .id(meta == null || meta.getId() == null || meta.getId().isEmpty() ? null : meta.getId())
                .modelName(meta == null || meta.getModel() == null || meta.getModel().isEmpty() ? null : meta.getModel())
                .finishReason(finishReason(generation.getMetadata() == null ? null : generation.getMetadata().getFinishReason(), !calls.isEmpty()))
                .tokenUsage(tokenUsage(usage));
        if (raw != null) {
            ObjectNode body = CanonicalJson.mapper().createObjectNode();
            body.set("usage", raw);
            m.rawHttpResponse(SuccessfulHttpResponse.builder().statusCode(200).body(body.toString()).build());
        }
        return dev.langchain4j.model.chat.response.ChatResponse.builder().aiMessage(ai).metadata(m.build()).build();
    }

    /** An answer of the engine (a cached one, or the leader's of a burst) as Spring AI's, with where it came from. */
    static ChatResponse toSpringAi(dev.langchain4j.model.chat.response.ChatResponse response, CacheOutcome outcome) {
        AiMessage ai = response.aiMessage();
        List<AssistantMessage.ToolCall> calls = toolCalls(ai);
        String finish = wireFinishReason(response.finishReason(), !calls.isEmpty());
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("role", "ASSISTANT");
        properties.put("finishReason", finish);
        AssistantMessage message = AssistantMessage.builder().content(ai.text() == null ? "" : ai.text())
                .toolCalls(calls).properties(properties).build();
        Generation generation = new Generation(message, ChatGenerationMetadata.builder().finishReason(finish).build());
        return new ChatResponse(List.of(generation), metadata(response, outcome));
    }

    /** The engine's tool calls as Spring AI's (OpenAI's "function" type, the only one it has). */
    static List<AssistantMessage.ToolCall> toolCalls(AiMessage ai) {
        List<AssistantMessage.ToolCall> calls = new ArrayList<>();
        for (ToolExecutionRequest r : ai.toolExecutionRequests()) {
            calls.add(new AssistantMessage.ToolCall(r.id(), "function", r.name(), r.arguments()));
        }
        return calls;
    }

    /** The metadata of a replayed or shared answer: the stored model and usage, and the cache's own keys. */
    static ChatResponseMetadata metadata(dev.langchain4j.model.chat.response.ChatResponse response, CacheOutcome outcome) {
        ChatResponseMetadata.Builder b = ChatResponseMetadata.builder()
                .id(response.id() == null ? "" : response.id())
                .model(response.modelName() == null ? "" : response.modelName());
        TokenUsage tokens = response.tokenUsage();
        if (tokens != null) {
            Integer prompt = tokens.inputTokenCount();
            Integer completion = tokens.outputTokenCount();
            Map<String, Object> nativeUsage = new LinkedHashMap<>();
            com.fasterxml.jackson.databind.JsonNode raw = ProviderCacheUsage.usageObject(response); // parses the body: once
            if (raw != null) {
                nativeUsage.putAll(CanonicalJson.mapper().convertValue(raw, Map.class));
            }
            b.usage(new DefaultUsage(prompt, completion, tokens.totalTokenCount(), nativeUsage));
        }
        sourceKeys(outcome).forEach(b::keyValue);
        return b.build();
    }

    /** What the cache says of the call, as response metadata keys. */
    static Map<String, Object> sourceKeys(CacheOutcome outcome) {
        Map<String, Object> keys = new LinkedHashMap<>();
        if (outcome != null) {
            keys.put(SOURCE, outcome.source().wireName());
            if (outcome.entryId() != null) {
                keys.put(ENTRY, outcome.entryId());
            }
            if (outcome.similarity() != null) {
                keys.put(SIMILARITY, outcome.similarity());
            }
        }
        return keys;
    }

    /** One streamed chunk of text. */
    static ChatResponse chunk(String text) {
        return new ChatResponse(List.of(new Generation(AssistantMessage.builder().content(text).build())));
    }

    static FinishReason finishReason(String springAi, boolean toolCalls) {
        if (springAi == null || springAi.isEmpty()) {
            return toolCalls ? FinishReason.TOOL_EXECUTION : FinishReason.STOP;
        }
        return switch (springAi.toUpperCase(Locale.ROOT)) {
            case "STOP", "END_TURN" -> FinishReason.STOP;
            case "LENGTH", "MAX_TOKENS" -> FinishReason.LENGTH;
            case "TOOL_CALLS", "FUNCTION_CALL", "TOOL_USE" -> FinishReason.TOOL_EXECUTION;
            case "CONTENT_FILTER" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.OTHER;
        };
    }

    /** Spring AI's OpenAI model writes the wire value's enum name: {@code STOP}, {@code TOOL_CALLS}, … */
    static String wireFinishReason(FinishReason reason, boolean toolCalls) {
        if (reason == null) {
            return toolCalls ? "TOOL_CALLS" : "STOP";
        }
        return switch (reason) {
            case LENGTH -> "LENGTH";
            case TOOL_EXECUTION -> "TOOL_CALLS";
            case CONTENT_FILTER -> "CONTENT_FILTER";
            default -> "STOP";
        };
    }

    private static TokenUsage tokenUsage(Usage usage) {
        if (usage == null || usage.getPromptTokens() == null && usage.getCompletionTokens() == null) {
            return null;
        }
        Long cached = usage.getCacheReadInputTokens();
        OpenAiTokenUsage.Builder b = OpenAiTokenUsage.builder().inputTokenCount(usage.getPromptTokens())
                .outputTokenCount(usage.getCompletionTokens()).totalTokenCount(usage.getTotalTokens());
        if (cached != null) {
            b.inputTokensDetails(OpenAiTokenUsage.InputTokensDetails.builder().cachedTokens(cached.intValue()).build());
        }
        return b.build();
    }

    /**
     * The provider's {@code usage} object as far as Spring AI kept it: its token counts, the cached tokens it read,
     * and the provider's extra fields from the native usage object (OpenAI's Java SDK keeps DeepSeek's prefix-cache
     * counts among its additional properties; a provider that hands Spring AI a map keeps them there).
     */
    static ObjectNode usageObject(Usage usage) {
        if (usage == null) {
            return null;
        }
        ObjectNode out = CanonicalJson.mapper().createObjectNode();
        if (usage.getPromptTokens() != null) {
            out.put("prompt_tokens", usage.getPromptTokens());
        }
        if (usage.getCompletionTokens() != null) {
            out.put("completion_tokens", usage.getCompletionTokens());
        }
        if (usage.getTotalTokens() != null) {
            out.put("total_tokens", usage.getTotalTokens());
        }
        if (usage.getCacheReadInputTokens() != null) {
            out.putObject("prompt_tokens_details").put("cached_tokens", usage.getCacheReadInputTokens());
        }
        extraFields(usage.getNativeUsage()).forEach((k, v) -> out.set(k, CanonicalJson.mapper().valueToTree(v)));
        return out;
    }

    private static Map<String, Object> extraFields(Object nativeUsage) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (nativeUsage instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if (k instanceof String key && key.startsWith("prompt_cache_") && v instanceof Number) {
                    out.put(key, v);
                }
            });
            return out;
        }
        if (nativeUsage == null) {
            return out;
        }
        try {
            Method extra = nativeUsage.getClass().getMethod("_additionalProperties");
            if (extra.invoke(nativeUsage) instanceof Map<?, ?> map) {
                map.forEach((k, v) -> {
                    if (k instanceof String key && key.startsWith("prompt_cache_")) {
                        Number n = number(v);
                        if (n != null) {
                            out.put(key, n);
                        }
                    }
                });
            }
        } catch (ReflectiveOperationException | RuntimeException notThatShape) {
            // another provider's usage type: Spring AI's own counts are all there is
        }
        return out;
    }

    /** A JSON number held by the SDK's value type ({@code JsonValue.convert}), or its text. */
    private static Number number(Object value) {
        if (value instanceof Number n) {
            return n;
        }
        try {
            Object converted = value.getClass().getMethod("convert", Class.class).invoke(value, Long.class);
            if (converted instanceof Number n) {
                return n;
            }
        } catch (ReflectiveOperationException | RuntimeException ignored) {
            // fall back to the text
        }
        try {
            return Long.parseLong(String.valueOf(value).trim());
        } catch (NumberFormatException notANumber) {
            return null;
        }
    }
}
