package io.promptcache.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEvent;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatResponseMetadata;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.promptcache.key.CanonicalJson;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI's chat completion shapes, both ways: a provider's body read into a {@link ChatResponse}, and a
 * {@link ChatResponse} (a cached one, or one shared with a burst) written as the provider writes it, whole or as
 * server-sent chunks.
 */
final class OpenAiResponses {

    private OpenAiResponses() {
    }

    /** A provider's {@code chat.completion} body; null when it is not one (then it is passed through, not cached). */
    static ChatResponse read(byte[] body) {
        JsonNode root;
        try {
            root = CanonicalJson.mapper().readTree(body);
        } catch (java.io.IOException e) {
            return null;
        }
        JsonNode choice = root == null ? null : root.path("choices").path(0);
        if (choice == null || !choice.path("message").isObject()) {
            return null;
        }
        JsonNode message = choice.path("message");
        List<ToolExecutionRequest> calls = new ArrayList<>();
        for (JsonNode call : message.path("tool_calls")) {
            calls.add(ToolExecutionRequest.builder().id(call.path("id").asText(null))
                    .name(call.path("function").path("name").asText())
                    .arguments(call.path("function").path("arguments").asText("")).build());
        }
        AiMessage ai = AiMessage.builder().text(text(message.get("content")))
                .thinking(text(message.get("reasoning_content"))).toolExecutionRequests(calls).build();
        return ChatResponse.builder().aiMessage(ai).metadata(OpenAiChatResponseMetadata.builder()
                .id(root.path("id").asText(null))
                .modelName(root.path("model").asText(null))
                .created(root.path("created").isNumber() ? root.path("created").asLong() : null)
                .systemFingerprint(root.path("system_fingerprint").asText(null))
                .finishReason(finishReason(choice.path("finish_reason").asText(null)))
                .tokenUsage(usage(root.path("usage")))
                .rawHttpResponse(SuccessfulHttpResponse.builder().statusCode(200)
                        .body(new String(body, StandardCharsets.UTF_8)).build())
                .build()).build();
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    static TokenUsage usage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        return new TokenUsage(intOrNull(usage.get("prompt_tokens")), intOrNull(usage.get("completion_tokens")),
                intOrNull(usage.get("total_tokens")));
    }

    private static Integer intOrNull(JsonNode n) {
        return n == null || !n.isNumber() ? null : n.asInt();
    }

    static FinishReason finishReason(String wire) {
        if (wire == null) {
            return null;
        }
        return switch (wire) {
            case "stop" -> FinishReason.STOP;
            case "length" -> FinishReason.LENGTH;
            case "tool_calls", "function_call" -> FinishReason.TOOL_EXECUTION;
            case "content_filter" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.OTHER;
        };
    }

    static String finishReason(ChatResponse response) {
        FinishReason r = response.finishReason();
        if (r == null) {
            return response.aiMessage().hasToolExecutionRequests() ? "tool_calls" : "stop";
        }
        return switch (r) {
            case STOP -> "stop";
            case LENGTH -> "length";
            case TOOL_EXECUTION -> "tool_calls";
            case CONTENT_FILTER -> "content_filter";
            default -> "stop";
        };
    }

    /** An id for an answer the provider did not write this time: OpenAI's form, unique per reply. */
    static String newId() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        return "chatcmpl-" + Long.toHexString(random.nextLong() | Long.MIN_VALUE) + Long.toHexString(random.nextLong() | Long.MIN_VALUE);
    }

    /** The whole {@code chat.completion} body of a response, with a new id. */
    static byte[] completion(ChatResponse response, String requestedModel) {
        return withHead(completionTail(response, requestedModel));
    }

    /**
     * The body after its id and creation time: {@code "model":…,"choices":[…],"usage":{…}}}. What differs from one
     * reply of the same answer to the next is only the head, so a known answer keeps its tail.
     */
    static byte[] completionTail(ChatResponse response, String requestedModel) {
        ObjectNode root = CanonicalJson.mapper().createObjectNode();
        root.put("model", response.modelName() != null ? response.modelName() : requestedModel);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        AiMessage ai = response.aiMessage();
        message.put("content", ai.text());
        if (ai.thinking() != null) {
            message.put("reasoning_content", ai.thinking());
        }
        if (ai.hasToolExecutionRequests()) {
            toolCalls(message.putArray("tool_calls"), ai.toolExecutionRequests(), false);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(response));
        usage(root, response);
        byte[] whole = bytes(root);
        return java.util.Arrays.copyOfRange(whole, 1, whole.length); // without its opening brace
    }

    /** {@code {"id":NEW,"object":"chat.completion","created":NOW,} followed by {@code tail}. */
    static byte[] withHead(byte[] tail) {
        byte[] head = ("{\"id\":\"" + newId() + "\",\"object\":\"chat.completion\",\"created\":"
                + System.currentTimeMillis() / 1000 + ",").getBytes(StandardCharsets.UTF_8);
        byte[] out = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, out, head.length, tail.length);
        return out;
    }

    private static void toolCalls(ArrayNode out, List<ToolExecutionRequest> calls, boolean indexed) {
        for (int i = 0; i < calls.size(); i++) {
            ToolExecutionRequest call = calls.get(i);
            ObjectNode c = out.addObject();
            if (indexed) {
                c.put("index", i);
            }
            c.put("id", call.id());
            c.put("type", "function");
            ObjectNode f = c.putObject("function");
            f.put("name", call.name());
            f.put("arguments", call.arguments());
        }
    }

    private static void usage(ObjectNode root, ChatResponse response) {
        TokenUsage u = response.tokenUsage();
        ObjectNode usage = root.putObject("usage");
        int in = u == null || u.inputTokenCount() == null ? 0 : u.inputTokenCount();
        int out = u == null || u.outputTokenCount() == null ? 0 : u.outputTokenCount();
        usage.put("prompt_tokens", in);
        usage.put("completion_tokens", out);
        usage.put("total_tokens", u == null || u.totalTokenCount() == null ? in + out : u.totalTokenCount());
    }

    /** Writes the server-sent chunks of one streamed answer, in the provider's order. */
    static final class ChunkWriter {
        private final String id = newId();
        private final long created = System.currentTimeMillis() / 1000;
        private final String model;
        private final boolean includeUsage;

        ChunkWriter(String model, boolean includeUsage) {
            this.model = model;
            this.includeUsage = includeUsage;
        }

        private ObjectNode chunk(String modelName) {
            ObjectNode root = CanonicalJson.mapper().createObjectNode();
            root.put("id", id);
            root.put("object", "chat.completion.chunk");
            root.put("created", created);
            root.put("model", modelName != null ? modelName : model);
            return root;
        }

        private ObjectNode delta(ObjectNode root, String finishReason) {
            ObjectNode choice = root.putArray("choices").addObject();
            choice.put("index", 0);
            ObjectNode delta = choice.putObject("delta");
            choice.putNull("logprobs");
            if (finishReason == null) {
                choice.putNull("finish_reason");
            } else {
                choice.put("finish_reason", finishReason);
            }
            if (includeUsage) {
                root.putNull("usage");
            }
            return delta;
        }

        /** The first chunk: the role, no text yet. */
        byte[] role() {
            ObjectNode root = chunk(null);
            ObjectNode delta = delta(root, null);
            delta.put("role", "assistant");
            delta.put("content", "");
            return event(root);
        }

        byte[] content(String text) {
            ObjectNode root = chunk(null);
            delta(root, null).put("content", text);
            return event(root);
        }

        byte[] thinking(String text) {
            ObjectNode root = chunk(null);
            ObjectNode delta = delta(root, null);
            delta.putNull("content");
            delta.put("reasoning_content", text);
            return event(root);
        }

        /** The tool calls (if any), the finish reason, the usage chunk when asked for, and {@code [DONE]}. */
        byte[] end(ChatResponse response) {
            StringBuilder out = new StringBuilder();
            if (response.aiMessage().hasToolExecutionRequests()) {
                ObjectNode root = chunk(response.modelName());
                toolCalls(delta(root, null).putArray("tool_calls"), response.aiMessage().toolExecutionRequests(), true);
                out.append(text(root));
            }
            ObjectNode last = chunk(response.modelName());
            delta(last, finishReason(response));
            out.append(text(last));
            if (includeUsage) {
                ObjectNode usage = chunk(response.modelName());
                usage.putArray("choices");
                usage(usage, response);
                out.append(text(usage));
            }
            out.append("data: [DONE]\n\n");
            return out.toString().getBytes(StandardCharsets.UTF_8);
        }

        /** An error after the stream began: the status is sent, so the error goes in the stream, and it ends. */
        static byte[] error(String message, String type) {
            ObjectNode root = CanonicalJson.mapper().createObjectNode();
            ObjectNode error = root.putObject("error");
            error.put("message", message);
            error.put("type", type);
            return event(root);
        }

        private static byte[] event(ObjectNode root) {
            return text(root).getBytes(StandardCharsets.UTF_8);
        }

        private static String text(ObjectNode root) {
            return "data: " + new String(bytes(root), StandardCharsets.UTF_8) + "\n\n";
        }
    }

    static byte[] bytes(JsonNode node) {
        try {
            return CanonicalJson.mapper().writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The events of a stream read as they come, with the provider's last usage event kept for the accounting. */
    static ServerSentEvent usageEvent(String data) {
        return new ServerSentEvent(null, data);
    }
}
