package io.promptcache.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import io.promptcache.key.CanonicalJson;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One {@code POST /v1/chat/completions} body, read as the cache reads a request.
 *
 * <p>The body goes upstream exactly as the client sent it; the {@link ChatRequest} here only keys it. So the
 * mapping must be one-to-one on everything the provider reads: every top-level field but {@code messages},
 * {@code stream} and {@code stream_options} is kept whole in the request's custom parameters (and so in the
 * exact key and the semantic scope), and a message with anything the mapping cannot carry makes the request
 * one the gateway does not cache ({@link #notCacheable()}) rather than one that could share another's key.
 */
final class ChatCompletionRequest {

    /** Top-level fields that do not change the answer, only how it is delivered. */
    private static final Set<String> DELIVERY = Set.of("messages", "stream", "stream_options");
    /** Message fields the mapping carries, per role; any other non-null field makes the request not cacheable. */
    private static final Map<String, Set<String>> MESSAGE_FIELDS = Map.of(
            "system", Set.of("role", "content"),
            "user", Set.of("role", "content", "name"),
            "assistant", Set.of("role", "content", "tool_calls", "reasoning_content", "refusal", "annotations"),
            "tool", Set.of("role", "content", "tool_call_id"));

    private final ObjectNode body;
    private final byte[] raw;
    private final ChatRequest chatRequest;
    private final String notCacheable;

    private ChatCompletionRequest(ObjectNode body, byte[] raw, ChatRequest chatRequest, String notCacheable) {
        this.body = body;
        this.raw = raw;
        this.chatRequest = chatRequest;
        this.notCacheable = notCacheable;
    }

    /**
     * Reads a body.
     *
     * @throws GatewayError a 400 naming the field, for a body that is not JSON, not an object, or has no usable
     *                      {@code messages}
     */
    static ChatCompletionRequest parse(byte[] raw) {
        JsonNode tree;
        try {
            tree = CanonicalJson.mapper().readTree(raw);
        } catch (JsonProcessingException e) {
            throw GatewayError.invalid(null, "The request body is not valid JSON (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + "): " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw GatewayError.invalid(null, "The request body could not be read: " + e.getMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw GatewayError.invalid(null, "The request body must be a JSON object.");
        }
        ObjectNode body = (ObjectNode) tree;
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) {
            throw GatewayError.invalid("messages", "Missing required parameter: 'messages'.");
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw GatewayError.invalid("messages", "'messages' must be a non-empty array of messages.");
        }
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual() || model.asText().isBlank()) {
            throw GatewayError.invalid("model", "Missing required parameter: 'model' (a model name).");
        }
        for (String flag : List.of("stream")) {
            JsonNode v = body.get(flag);
            if (v != null && !v.isNull() && !v.isBoolean()) {
                throw GatewayError.invalid(flag, "'" + flag + "' must be true or false.");
            }
        }
        List<ChatMessage> mapped = new ArrayList<>();
        String why = null;
        Map<String, String> toolNames = new HashMap<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String at = "messages[" + i + "]";
            if (!m.isObject()) {
                throw GatewayError.invalid(at, "'" + at + "' must be an object with a 'role'.");
            }
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual()) {
                throw GatewayError.invalid(at + ".role", "Missing required parameter: '" + at + ".role'.");
            }
            String r = role.asText();
            Set<String> known = MESSAGE_FIELDS.get(r);
            if (known == null) {
                why = why != null ? why : "a message of role '" + r + "'";
                continue;
            }
            String extra = extraField(m, known);
            if (extra != null) {
                why = why != null ? why : "a " + r + " message with '" + extra + "'";
                continue;
            }
            try {
                ChatMessage message = message(r, m, at, toolNames);
                if (message == null) {
                    why = why != null ? why : "a " + r + " message whose content is not text";
                } else {
                    mapped.add(message);
                }
            } catch (GatewayError bad) {
                throw bad;
            }
        }
        why = why != null ? why : notCacheableParameter(body);
        ChatRequest request = why != null ? null
                : ChatRequest.builder().messages(mapped).parameters(parameters(body)).build();
        return new ChatCompletionRequest(body, raw, request, why);
    }

    /** A non-null field outside {@code known}: a null, or an empty refusal or annotation list, is no field. */
    private static String extraField(JsonNode m, Set<String> known) {
        for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode v = f.getValue();
            if (v.isNull()) {
                continue;
            }
            if (!known.contains(f.getKey())) {
                return f.getKey();
            }
            if ((f.getKey().equals("refusal") || f.getKey().equals("annotations")) && !(v.isArray() && v.isEmpty())) {
                return f.getKey();
            }
        }
        return null;
    }

    private static ChatMessage message(String role, JsonNode m, String at, Map<String, String> toolNames) {
        JsonNode content = m.get("content");
        switch (role) {
            case "system" -> {
                String text = plainText(content, at);
                return text == null ? null : SystemMessage.from(text);
            }
            case "user" -> {
                List<Content> parts = textParts(content, at);
                if (parts == null) {
                    return null;
                }
                JsonNode name = m.get("name");
                UserMessage.Builder b = UserMessage.builder().contents(parts);
                if (name != null && !name.isNull()) {
                    b.name(name.asText());
                }
                return b.build();
            }
            case "assistant" -> {
                String text = content == null || content.isNull() ? null : plainText(content, at);
                if (text == null && content != null && !content.isNull()) {
                    return null;
                }
                List<ToolExecutionRequest> calls = new ArrayList<>();
                JsonNode toolCalls = m.get("tool_calls");
                if (toolCalls != null && !toolCalls.isNull()) {
                    if (!toolCalls.isArray()) {
                        throw GatewayError.invalid(at + ".tool_calls", "'" + at + ".tool_calls' must be an array.");
                    }
                    for (int j = 0; j < toolCalls.size(); j++) {
                        JsonNode call = toolCalls.get(j);
                        JsonNode function = call.path("function");
                        if (!function.path("name").isTextual()) {
                            throw GatewayError.invalid(at + ".tool_calls[" + j + "].function.name",
                                    "Missing required parameter: '" + at + ".tool_calls[" + j + "].function.name'.");
                        }
                        if (!call.path("type").asText("function").equals("function")) {
                            return null;
                        }
                        String id = call.path("id").asText(null);
                        String name = function.path("name").asText();
                        if (id != null) {
                            toolNames.put(id, name);
                        }
                        calls.add(ToolExecutionRequest.builder().id(id).name(name)
                                .arguments(function.path("arguments").asText("")).build());
                    }
                }
                JsonNode reasoning = m.get("reasoning_content");
                if (text == null && calls.isEmpty()) {
                    text = "";
                }
                return AiMessage.builder().text(text).toolExecutionRequests(calls)
                        .thinking(reasoning == null || reasoning.isNull() ? null : reasoning.asText()).build();
            }
            case "tool" -> {
                JsonNode id = m.get("tool_call_id");
                if (id == null || !id.isTextual()) {
                    throw GatewayError.invalid(at + ".tool_call_id", "Missing required parameter: '" + at + ".tool_call_id'.");
                }
                String text = plainText(content, at);
                return text == null ? null
                        : ToolExecutionResultMessage.from(id.asText(), toolNames.getOrDefault(id.asText(), ""), text);
            }
            default -> {
                return null;
            }
        }
    }

    /** A string, or an array of text parts joined as the provider reads them; null for other parts. */
    private static String plainText(JsonNode content, String at) {
        List<Content> parts = textParts(content, at);
        if (parts == null) {
            return null;
        }
        if (parts.size() == 1) {
            return ((TextContent) parts.get(0)).text();
        }
        return null; // several parts: kept apart only by a user message; elsewhere not cached
    }

    private static List<Content> textParts(JsonNode content, String at) {
        if (content == null || content.isNull()) {
            throw GatewayError.invalid(at + ".content", "Missing required parameter: '" + at + ".content'.");
        }
        if (content.isTextual()) {
            return List.of(TextContent.from(content.asText()));
        }
        if (!content.isArray()) {
            throw GatewayError.invalid(at + ".content", "'" + at + ".content' must be a string or an array of parts.");
        }
        List<Content> parts = new ArrayList<>();
        for (JsonNode part : content) {
            if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual() || part.size() != 2) {
                return null; // an image, audio, a file, or a part with more than its text: not cached
            }
            parts.add(TextContent.from(part.get("text").asText()));
        }
        return parts.isEmpty() ? null : parts;
    }

    /** Parameters whose answer one cached response cannot stand for. */
    private static String notCacheableParameter(ObjectNode body) {
        JsonNode n = body.get("n");
        if (n != null && !n.isNull() && !(n.isIntegralNumber() && n.asInt() == 1)) {
            return "n other than 1";
        }
        JsonNode logprobs = body.get("logprobs");
        if (logprobs != null && logprobs.asBoolean(false)) {
            return "logprobs";
        }
        return null;
    }

    /** Every field but the delivery ones, whole, in the custom parameters: they split the key as they split answers. */
    private static OpenAiChatRequestParameters parameters(ObjectNode body) {
        Map<String, Object> custom = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!DELIVERY.contains(f.getKey()) && !f.getValue().isNull()) {
                custom.put(f.getKey(), CanonicalJson.mapper().convertValue(f.getValue(), Object.class));
            }
        }
        return OpenAiChatRequestParameters.builder().modelName(body.get("model").asText()).customParameters(custom).build();
    }

    /** The body as the client sent it. */
    byte[] raw() {
        return raw;
    }

    ObjectNode body() {
        return body;
    }

    String model() {
        return body.get("model").asText();
    }

    boolean stream() {
        return body.path("stream").asBoolean(false);
    }

    /** {@code stream_options.include_usage}: the client wants a last chunk with the usage. */
    boolean includeUsage() {
        return body.path("stream_options").path("include_usage").asBoolean(false);
    }

    /** The request as the cache keys it; null when {@link #notCacheable()} says why not. */
    ChatRequest chatRequest() {
        return chatRequest;
    }

    /** Why the gateway passes this request through uncached, or null. */
    String notCacheable() {
        return notCacheable;
    }
}
