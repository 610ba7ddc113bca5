package io.promptcache.core;

import java.util.List;

/**
 * A model's answer as the engine stores and replays it.
 *
 * @param text         the answer's text, or {@code null} when it only calls tools
 * @param thinking     the model's reasoning text, when the provider returns it
 * @param finishReason why the model stopped: {@link #STOP}, {@link #TOOL_CALLS}, {@link #LENGTH},
 *                     {@link #CONTENT_FILTER}, {@link #OTHER}, or {@code null} when unknown
 * @param inputTokens  prompt tokens the provider counted, or {@code null}
 * @param outputTokens answer tokens, or {@code null}
 * @param totalTokens  both, or {@code null}
 * @param modelName    the model that answered, as the provider names it
 * @param id           the provider's id of the answer
 * @param toolCalls    the tool calls asked for, in order
 * @param rawUsage     the provider's {@code usage} object as it sent it (JSON), or {@code null}: where DeepSeek's
 *                     {@code prompt_cache_hit_tokens} and {@code prompt_cache_miss_tokens} are read from
 */
public record CacheAnswer(String text, String thinking, String finishReason, Integer inputTokens,
                          Integer outputTokens, Integer totalTokens, String modelName, String id,
                          List<CacheMessage.ToolCall> toolCalls, String rawUsage) {

    public static final String STOP = "STOP";
    /** The model asks for tool calls (LangChain4j's name for it, which stored entries use). */
    public static final String TOOL_CALLS = "TOOL_EXECUTION";
    public static final String LENGTH = "LENGTH";
    public static final String CONTENT_FILTER = "CONTENT_FILTER";
    public static final String OTHER = "OTHER";

    public CacheAnswer {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }
}
