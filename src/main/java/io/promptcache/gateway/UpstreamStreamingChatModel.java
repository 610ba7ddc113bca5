package io.promptcache.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.http.client.sse.ServerSentEvent;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import dev.langchain4j.model.openai.OpenAiChatResponseMetadata;
import io.promptcache.key.CanonicalJson;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Flow;

/**
 * The provider behind the cache, for streamed calls: sends the client's body with {@code stream_options.include_usage}
 * on (the cache keeps the usage, and the prefix accounting reads it), and turns the provider's server-sent chunks into
 * the handler's calls as they arrive. A stream that ends without a finish reason is an error: never cached.
 */
final class UpstreamStreamingChatModel implements StreamingChatModel {

    private final UpstreamClient client;

    UpstreamStreamingChatModel(UpstreamClient client) {
        this.client = client;
    }

    @Override
    public void doChat(ChatRequest ignored, StreamingChatResponseHandler handler) {
        UpstreamCall call = UpstreamCall.current();
        byte[] body = withUsage(call.body());
        Events events = new Events(handler);
        client.stream("/chat/completions", body, call.headers(), events,
                        reply -> events.fail(UpstreamException.replied(reply.status(), reply.body(), reply.contentType())))
                .whenComplete((ok, fault) -> {
                    if (fault != null) {
                        Throwable cause = fault instanceof java.util.concurrent.CompletionException && fault.getCause() != null
                                ? fault.getCause() : fault;
                        events.fail(client.failure(cause));
                    }
                });
    }

    private static byte[] withUsage(byte[] raw) {
        try {
            ObjectNode body = (ObjectNode) CanonicalJson.mapper().readTree(raw);
            body.put("stream", true);
            body.putObject("stream_options").put("include_usage", true);
            return CanonicalJson.mapper().writeValueAsBytes(body);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a body the gateway has read is JSON", e);
        }
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return OpenAiChatRequestParameters.builder().build();
    }

    /** Reads the provider's events; tells the handler exactly once how the stream ended. */
    private static final class Events implements Flow.Subscriber<String> {
        private final StreamingChatResponseHandler handler;
        private final StringBuilder text = new StringBuilder();
        private final StringBuilder thinking = new StringBuilder();
        private final Map<Integer, String[]> calls = new TreeMap<>(); // index -> id, name, arguments
        private final StringBuilder data = new StringBuilder();
        private String id;
        private String model;
        private String finishReason;
        private JsonNode usage;
        private String usageData;
        private boolean ended;

        Events(StreamingChatResponseHandler handler) {
            this.handler = handler;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (ended) {
                return;
            }
            String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            if (l.isEmpty()) {
                dispatch();
            } else if (l.startsWith("data:")) {
                if (data.length() > 0) {
                    data.append('\n');
                }
                data.append(l.substring(l.startsWith("data: ") ? 6 : 5));
            }
        }

        private void dispatch() {
            String event = data.toString();
            data.setLength(0);
            if (event.isBlank()) {
                return;
            }
            if (event.strip().equals("[DONE]")) {
                complete();
                return;
            }
            JsonNode chunk;
            try {
                chunk = CanonicalJson.mapper().readTree(event);
            } catch (java.io.IOException e) {
                fail(UpstreamException.replied(502, event.getBytes(StandardCharsets.UTF_8), "text/plain"));
                return;
            }
            if (chunk.has("error")) {
                fail(UpstreamException.replied(502, event.getBytes(StandardCharsets.UTF_8), "application/json"));
                return;
            }
            id = chunk.path("id").asText(id);
            model = chunk.path("model").asText(model);
            if (chunk.path("usage").isObject()) {
                usage = chunk.path("usage");
                usageData = event;
            }
            JsonNode choice = chunk.path("choices").path(0);
            JsonNode delta = choice.path("delta");
            String reasoning = delta.path("reasoning_content").isTextual() ? delta.path("reasoning_content").asText() : null;
            if (reasoning != null && !reasoning.isEmpty()) {
                thinking.append(reasoning);
                handler.onPartialThinking(new PartialThinking(reasoning));
            }
            String content = delta.path("content").isTextual() ? delta.path("content").asText() : null;
            if (content != null && !content.isEmpty()) {
                text.append(content);
                handler.onPartialResponse(content);
            }
            for (JsonNode call : delta.path("tool_calls")) {
                String[] c = calls.computeIfAbsent(call.path("index").asInt(calls.size()), i -> new String[]{null, "", ""});
                if (call.path("id").isTextual()) {
                    c[0] = call.path("id").asText();
                }
                JsonNode f = call.path("function");
                if (f.path("name").isTextual()) {
                    c[1] += f.path("name").asText();
                }
                if (f.path("arguments").isTextual()) {
                    c[2] += f.path("arguments").asText();
                }
            }
            if (choice.path("finish_reason").isTextual()) {
                finishReason = choice.path("finish_reason").asText();
            }
        }

        private void complete() {
            if (ended) {
                return;
            }
            if (finishReason == null) {
                fail(UpstreamException.unreachable("the upstream's stream ended before its finish reason"));
                return;
            }
            ended = true;
            List<ToolExecutionRequest> requests = new ArrayList<>();
            calls.values().forEach(c -> requests.add(ToolExecutionRequest.builder().id(c[0]).name(c[1]).arguments(c[2]).build()));
            AiMessage ai = AiMessage.builder().text(text.length() == 0 && !requests.isEmpty() ? null : text.toString())
                    .thinking(thinking.length() == 0 ? null : thinking.toString()).toolExecutionRequests(requests).build();
            OpenAiChatResponseMetadata.Builder metadata = OpenAiChatResponseMetadata.builder().id(id).modelName(model)
                    .finishReason(OpenAiResponses.finishReason(finishReason)).tokenUsage(OpenAiResponses.usage(usage));
            if (usageData != null) {
                metadata.rawServerSentEvents(List.of(new ServerSentEvent(null, usageData)));
            }
            handler.onCompleteResponse(ChatResponse.builder().aiMessage(ai).metadata(metadata.build()).build());
        }

        void fail(Throwable error) {
            if (ended) {
                return;
            }
            ended = true;
            handler.onError(error);
        }

        @Override
        public void onError(Throwable throwable) {
            // the connection broke: whenComplete reports it, with the same meaning
        }

        @Override
        public void onComplete() {
            dispatch();
            complete();
        }
    }
}
