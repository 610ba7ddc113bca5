package io.promptcache.core;

import io.promptcache.key.CanonicalJson;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One message of a {@link CacheRequest}.
 *
 * @param role         who speaks
 * @param text         the message's text, or {@code null} when it has none (an assistant message that only calls
 *                     tools) or more than text (an image beside it)
 * @param plainText    true when the message is exactly one piece of text: only such a user message can be matched
 *                     by meaning
 * @param toolCalls    the tool calls of an assistant message, in the order asked
 * @param toolCallId   for a {@link Role#TOOL} message, the call it answers
 * @param toolName     for a {@link Role#TOOL} message, the tool that answered
 * @param encoded      the message's stable encoding: every byte of it is in the key, so two messages that a provider
 *                     would read differently must never have the same encoding. A front door may supply its own
 *                     (the LangChain4j door uses LangChain4j's message JSON, so keys stay those of earlier releases);
 *                     the factories here write canonical JSON of the fields above.
 */
public record CacheMessage(Role role, String text, boolean plainText, List<ToolCall> toolCalls, String toolCallId,
                           String toolName, String encoded) {

    /** Who speaks. */
    public enum Role {
        SYSTEM, USER, ASSISTANT, TOOL,
        /** A message the front door carries but the engine has no role for: keyed by its encoding only. */
        OTHER
    }

    /** A tool call an assistant message asked for. */
    public record ToolCall(String id, String name, String arguments) {
    }

    public CacheMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(encoded, "encoded");
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        if (plainText && text == null) {
            throw new IllegalArgumentException("a plain-text message needs its text");
        }
    }

    public boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }

    public static CacheMessage system(String text) {
        return neutral(Role.SYSTEM, requireText(text), true, List.of(), null, null);
    }

    public static CacheMessage user(String text) {
        return neutral(Role.USER, requireText(text), true, List.of(), null, null);
    }

    public static CacheMessage assistant(String text, List<ToolCall> toolCalls) {
        return neutral(Role.ASSISTANT, text, text != null && (toolCalls == null || toolCalls.isEmpty()), toolCalls,
                null, null);
    }

    public static CacheMessage toolResult(String toolCallId, String toolName, String result) {
        return neutral(Role.TOOL, requireText(result), true, List.of(), toolCallId, toolName);
    }

    private static String requireText(String text) {
        return Objects.requireNonNull(text, "text");
    }

    private static CacheMessage neutral(Role role, String text, boolean plain, List<ToolCall> calls, String callId,
                                        String toolName) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("role", role.name());
        fields.put("text", text);
        if (calls != null && !calls.isEmpty()) {
            fields.put("toolCalls", calls);
        }
        if (callId != null) {
            fields.put("toolCallId", callId);
        }
        if (toolName != null) {
            fields.put("toolName", toolName);
        }
        return new CacheMessage(role, text, plain, calls, callId, toolName, CanonicalJson.write(fields));
    }
}
