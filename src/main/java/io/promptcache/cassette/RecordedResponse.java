package io.promptcache.cassette;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.openai.OpenAiChatResponseMetadata;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.promptcache.key.CanonicalJson;
import io.promptcache.prefix.ProviderCacheUsage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The whole response of one recorded request: text, thinking, tool-execution requests, finish reason, token
 * usage, model name and id, and the provider's own {@code usage} object as it was sent (DeepSeek's
 * {@code prompt_cache_hit_tokens} and {@code prompt_cache_miss_tokens} among it), so code that branches on
 * any of them is tested. A streamed recording keeps its partial responses too.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"text", "thinking", "toolExecutionRequests", "finishReason", "tokenUsage", "providerUsage",
        "modelName", "id", "partials"})
record RecordedResponse(String text,
                        String thinking,
                        List<ToolCall> toolExecutionRequests,
                        String finishReason,
                        Usage tokenUsage,
                        JsonNode providerUsage,
                        String modelName,
                        String id,
                        List<String> partials) {

    RecordedResponse {
        toolExecutionRequests = toolExecutionRequests == null ? List.of() : List.copyOf(toolExecutionRequests);
        partials = partials == null ? List.of() : List.copyOf(partials);
    }

    @JsonPropertyOrder({"id", "name", "arguments"})
    record ToolCall(String id, String name, String arguments) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"input", "output", "total"})
    record Usage(Integer input, Integer output, Integer total) {
    }

    static RecordedResponse of(ChatResponse response, List<String> partials) {
        AiMessage ai = response.aiMessage();
        List<ToolCall> calls = new ArrayList<>();
        if (ai.hasToolExecutionRequests()) {
            for (ToolExecutionRequest r : ai.toolExecutionRequests()) {
                calls.add(new ToolCall(r.id(), r.name(), r.arguments()));
            }
        }
        TokenUsage u = response.tokenUsage();
        return new RecordedResponse(ai.text(), ai.thinking(), calls,
                response.finishReason() == null ? null : response.finishReason().name(),
                u == null ? null : new Usage(u.inputTokenCount(), u.outputTokenCount(), u.totalTokenCount()),
                ProviderCacheUsage.usageObject(response), response.modelName(), response.id(), partials);
    }

    /**
     * The response as the model gave it. With a recorded provider usage object, the metadata is the OpenAI
     * client's, carrying that object as the body it came in, so {@code ProviderCacheUsage.of} and any code that
     * reads the raw usage see what they saw when it was recorded.
     */
    ChatResponse toChatResponse() {
        AiMessage.Builder ai = AiMessage.builder().text(text).thinking(thinking);
        if (!toolExecutionRequests.isEmpty()) {
            List<ToolExecutionRequest> requests = new ArrayList<>();
            for (ToolCall c : toolExecutionRequests) {
                requests.add(ToolExecutionRequest.builder().id(c.id()).name(c.name()).arguments(c.arguments()).build());
            }
            ai.toolExecutionRequests(requests);
        }
        TokenUsage usage = tokenUsage == null ? null : new TokenUsage(tokenUsage.input(), tokenUsage.output(), tokenUsage.total());
        FinishReason finish = finishReason == null ? null : FinishReason.valueOf(finishReason);
        ChatResponseMetadata metadata;
        if (providerUsage != null) {
            metadata = OpenAiChatResponseMetadata.builder().id(id).modelName(modelName).tokenUsage(usage).finishReason(finish)
                    .rawHttpResponse(SuccessfulHttpResponse.builder().statusCode(200)
                            .body(CanonicalJson.write(Map.of("usage", providerUsage))).build())
                    .build();
        } else {
            metadata = ChatResponseMetadata.builder().id(id).modelName(modelName).tokenUsage(usage).finishReason(finish).build();
        }
        return ChatResponse.builder().aiMessage(ai.build()).metadata(metadata).build();
    }
}
