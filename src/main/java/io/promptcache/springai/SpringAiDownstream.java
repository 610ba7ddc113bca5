package io.promptcache.springai;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the caching models call on a miss: the Spring AI model (or the rest of the advisor chain) that the current
 * {@link SpringAiCall} names, with the application's own prompt, not one rebuilt from the engine's request.
 */
final class SpringAiDownstream {

    private SpringAiDownstream() {
    }

    /** Blocking calls. */
    static final class Blocking implements ChatModel {
        @Override
        public dev.langchain4j.model.chat.response.ChatResponse doChat(ChatRequest ignored) {
            ChatResponse response = SpringAiCall.current().callDownstream();
            dev.langchain4j.model.chat.response.ChatResponse engine = SpringAiResponses.toEngine(response);
            if (engine == null) {
                throw new IllegalStateException("the Spring AI model answered with no single generation");
            }
            return engine;
        }

        /** OpenAI's parameter type, so that merging defaults keeps the custom parameters the key is made of. */
        @Override
        public ChatRequestParameters defaultRequestParameters() {
            return OpenAiChatRequestParameters.builder().build();
        }
    }

    /** Streamed calls: each chunk's text goes on as it arrives; the whole answer is assembled for the cache. */
    static final class Streaming implements StreamingChatModel {
        @Override
        public void doChat(ChatRequest ignored, StreamingChatResponseHandler handler) {
            Assembly assembly = new Assembly();
            SpringAiCall.current().streamDownstream().subscribe(chunk -> {
                String text = assembly.add(chunk);
                if (text != null && !text.isEmpty()) {
                    handler.onPartialResponse(text);
                }
            }, handler::onError, () -> {
                dev.langchain4j.model.chat.response.ChatResponse whole = SpringAiResponses.toEngine(assembly.whole());
                if (whole == null) {
                    handler.onError(new IllegalStateException("the Spring AI stream ended with no answer"));
                } else {
                    handler.onCompleteResponse(whole);
                }
            });
        }

        @Override
        public ChatRequestParameters defaultRequestParameters() {
            return OpenAiChatRequestParameters.builder().build();
        }
    }

    /** A streamed answer put together: text in order, tool calls by id (the last word wins), the last metadata seen. */
    static final class Assembly {
        private final StringBuilder text = new StringBuilder();
        private final Map<String, AssistantMessage.ToolCall> calls = new LinkedHashMap<>();
        private String finishReason;
        private String id;
        private String model;
        private Usage usage;
        private boolean any;

        /** Takes one chunk; returns its text. */
        synchronized String add(ChatResponse chunk) {
            String piece = null;
            if (chunk.getResult() != null && chunk.getResult().getOutput() != null) {
                any = true;
                AssistantMessage out = chunk.getResult().getOutput();
                piece = out.getText();
                if (piece != null) {
                    text.append(piece);
                }
                for (AssistantMessage.ToolCall call : out.getToolCalls()) {
                    calls.put(call.id() == null ? "#" + calls.size() : call.id(), call);
                }
                ChatGenerationMetadata gm = chunk.getResult().getMetadata();
                if (gm != null && gm.getFinishReason() != null && !gm.getFinishReason().isEmpty()) {
                    finishReason = gm.getFinishReason();
                }
            }
            ChatResponseMetadata m = chunk.getMetadata();
            if (m != null) {
                id = m.getId() != null && !m.getId().isEmpty() ? m.getId() : id;
                model = m.getModel() != null && !m.getModel().isEmpty() ? m.getModel() : model;
                Usage u = m.getUsage();
                if (u != null && (u.getPromptTokens() != null && u.getPromptTokens() > 0 || u.getNativeUsage() != null)) {
                    usage = u;
                }
            }
            return piece;
        }

        synchronized ChatResponse whole() {
            if (!any) {
                return null;
            }
            AssistantMessage message = AssistantMessage.builder().content(text.toString())
                    .toolCalls(List.copyOf(calls.values())).build();
            ChatGenerationMetadata gm = finishReason == null ? ChatGenerationMetadata.NULL
                    : ChatGenerationMetadata.builder().finishReason(finishReason).build();
            ChatResponseMetadata.Builder meta = ChatResponseMetadata.builder().id(id == null ? "" : id).model(model == null ? "" : model);
            if (usage != null) {
                meta.usage(usage);
            }
            return new ChatResponse(List.of(new Generation(message, gm)), meta.build());
        }
    }

}
