package io.promptcache.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything of a {@link ChatResponse} that a faithful replay needs, as plain data with a JSON form.
 * No Java serialisation anywhere: entries are written as JSON and read back field by field.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StoredResponse(String text,
                             String thinking,
                             String finishReason,
                             Integer inputTokens,
                             Integer outputTokens,
                             Integer totalTokens,
                             String modelName,
                             String responseId,
                             List<StoredToolCall> toolCalls) {

    public StoredResponse {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    /** One tool execution request of the response. */
    public record StoredToolCall(String id, String name, String arguments) {
    }

    public static StoredResponse from(ChatResponse response) {
        Objects.requireNonNull(response, "response");
        AiMessage ai = response.aiMessage();
        TokenUsage usage = response.tokenUsage();
        List<StoredToolCall> calls = new ArrayList<>();
        if (ai != null && ai.hasToolExecutionRequests()) {
            for (ToolExecutionRequest r : ai.toolExecutionRequests()) {
                calls.add(new StoredToolCall(r.id(), r.name(), r.arguments()));
            }
        }
        return new StoredResponse(
                ai == null ? null : ai.text(),
                ai == null ? null : ai.thinking(),
                response.finishReason() == null ? null : response.finishReason().name(),
                usage == null ? null : usage.inputTokenCount(),
                usage == null ? null : usage.outputTokenCount(),
                usage == null ? null : usage.totalTokenCount(),
                response.modelName(),
                response.id(),
                calls);
    }

    public ChatResponse toChatResponse() {
        AiMessage.Builder ai = AiMessage.builder().text(text).thinking(thinking);
        if (!toolCalls.isEmpty()) {
            List<ToolExecutionRequest> requests = new ArrayList<>();
            for (StoredToolCall c : toolCalls) {
                requests.add(ToolExecutionRequest.builder().id(c.id()).name(c.name()).arguments(c.arguments()).build());
            }
            ai.toolExecutionRequests(requests);
        }
        ChatResponseMetadata metadata = ChatResponseMetadata.builder()
                .id(responseId)
                .modelName(modelName)
                .tokenUsage(inputTokens == null && outputTokens == null && totalTokens == null
                        ? null : new TokenUsage(inputTokens, outputTokens, totalTokens))
                .finishReason(finishReason == null ? null : FinishReason.valueOf(finishReason))
                .build();
        return ChatResponse.builder().aiMessage(ai.build()).metadata(metadata).build();
    }

    /** Approximate size in characters, for stats. */
    public int textLength() {
        return (text == null ? 0 : text.length()) + (thinking == null ? 0 : thinking.length());
    }
}
