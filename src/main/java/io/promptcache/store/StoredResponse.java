package io.promptcache.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.promptcache.core.CacheAnswer;
import io.promptcache.core.CacheMessage;
import io.promptcache.langchain4j.LangChain4jConversions;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything of an answer ({@link CacheAnswer}, or a LangChain4j {@link ChatResponse}) that a faithful replay needs, as plain data with a JSON form.
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
        return from(LangChain4jConversions.answer(response));
    }

    /** What of an answer is kept: everything but the provider's raw usage, which only the call that paid for it reads. */
    public static StoredResponse from(CacheAnswer answer) {
        Objects.requireNonNull(answer, "answer");
        List<StoredToolCall> calls = new ArrayList<>();
        for (CacheMessage.ToolCall c : answer.toolCalls()) {
            calls.add(new StoredToolCall(c.id(), c.name(), c.arguments()));
        }
        return new StoredResponse(answer.text(), answer.thinking(), answer.finishReason(), answer.inputTokens(),
                answer.outputTokens(), answer.totalTokens(), answer.modelName(), answer.id(), calls);
    }

    /** The stored answer, as the engine replays it. */
    public CacheAnswer toAnswer() {
        List<CacheMessage.ToolCall> calls = new ArrayList<>();
        for (StoredToolCall c : toolCalls) {
            calls.add(new CacheMessage.ToolCall(c.id(), c.name(), c.arguments()));
        }
        return new CacheAnswer(text, thinking, finishReason, inputTokens, outputTokens, totalTokens, modelName,
                responseId, calls, null);
    }

    public ChatResponse toChatResponse() {
        return LangChain4jConversions.chatResponse(toAnswer());
    }

    /** Approximate size in characters, for stats. */
    public int textLength() {
        return (text == null ? 0 : text.length()) + (thinking == null ? 0 : thinking.length());
    }
}
