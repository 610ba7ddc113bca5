package io.promptcache.cassette;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The streaming twin of {@link CassetteChatModel}. A recording keeps the partial responses as they streamed; a
 * replay goes through the same {@link StreamingChatResponseHandler} callbacks: thinking, the partial responses,
 * the complete tool calls, then the complete response. A miss in REPLAY reaches the handler's {@code onError}
 * as a {@link CassetteMissException}.
 */
public final class CassetteStreamingChatModel implements StreamingChatModel {

    private final StreamingChatModel delegate;
    private final Cassette cassette;

    private CassetteStreamingChatModel(StreamingChatModel delegate, Cassette cassette) {
        this.delegate = delegate;
        this.cassette = cassette;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        Cassette.Lookup lookup;
        try {
            lookup = cassette.lookup(request);
        } catch (RuntimeException missOrUnreadable) {
            handler.onError(missOrUnreadable);
            return;
        }
        if (lookup.replay().isPresent()) {
            replay(lookup.replay().get().response(), handler);
            return;
        }
        delegate.chat(request, new Recorder(lookup, handler));
    }

    private static void replay(RecordedResponse recorded, StreamingChatResponseHandler handler) {
        Handle handle = new Handle();
        try {
            if (recorded.thinking() != null && !recorded.thinking().isEmpty()) {
                handler.onPartialThinking(new PartialThinking(recorded.thinking()), new PartialThinkingContext(handle));
            }
            List<String> partials = !recorded.partials().isEmpty() ? recorded.partials()
                    : recorded.text() == null || recorded.text().isEmpty() ? List.of() : List.of(recorded.text());
            for (String p : partials) {
                if (handle.isCancelled()) {
                    return;
                }
                handler.onPartialResponse(new PartialResponse(p), new PartialResponseContext(handle));
            }
            ChatResponse response = recorded.toChatResponse();
            List<ToolExecutionRequest> calls = response.aiMessage().hasToolExecutionRequests()
                    ? response.aiMessage().toolExecutionRequests() : List.of();
            for (int i = 0; i < calls.size(); i++) {
                handler.onCompleteToolCall(new CompleteToolCall(i, calls.get(i)));
            }
            if (!handle.isCancelled()) {
                handler.onCompleteResponse(response);
            }
        } catch (RuntimeException e) {
            handler.onError(e);
        }
    }

    /** Forwards the real stream to the caller and writes the recording when it completes. */
    private final class Recorder implements StreamingChatResponseHandler {
        private final Cassette.Lookup lookup;
        private final StreamingChatResponseHandler handler;
        private final List<String> partials = new CopyOnWriteArrayList<>();

        Recorder(Cassette.Lookup lookup, StreamingChatResponseHandler handler) {
            this.lookup = lookup;
            this.handler = handler;
        }

        @Override
        public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
            partials.add(partial.text());
            handler.onPartialResponse(partial, context);
        }

        @Override
        public void onPartialThinking(PartialThinking thinking, PartialThinkingContext context) {
            handler.onPartialThinking(thinking, context);
        }

        @Override
        public void onPartialToolCall(PartialToolCall call, PartialToolCallContext context) {
            handler.onPartialToolCall(call, context);
        }

        @Override
        public void onCompleteToolCall(CompleteToolCall call) {
            handler.onCompleteToolCall(call);
        }

        @Override
        public void onCompleteResponse(ChatResponse response) {
            try {
                cassette.record(lookup, RecordedResponse.of(response, partials));
            } catch (RuntimeException cannotWrite) {
                handler.onError(cannotWrite);
                return;
            }
            handler.onCompleteResponse(response);
        }

        @Override
        public void onError(Throwable error) {
            handler.onError(error);
        }
    }

    private static final class Handle implements StreamingHandle {
        private volatile boolean cancelled;

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }
    }

    /** Empty: the key is the request as the application sends it; the delegate adds its own defaults when called. */
    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return ChatRequestParameters.builder().build();
    }

    @Override
    public ModelProvider provider() {
        return delegate == null ? ModelProvider.OTHER : delegate.provider();
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return delegate == null ? Set.of() : delegate.supportedCapabilities();
    }

    public CassetteMode mode() {
        return cassette.mode();
    }

    public Path directory() {
        return cassette.directory();
    }

    public StreamingChatModel delegate() {
        return delegate;
    }

    /** Builder of {@link CassetteStreamingChatModel}: the model, and the {@link CassetteOptions}. */
    public static final class Builder extends CassetteOptions<Builder> {
        private StreamingChatModel delegate;

        /** The real model: called in RECORD and RECORD_MISSING, never in REPLAY (where it may be left out). */
        public Builder delegate(StreamingChatModel delegate) {
            this.delegate = Objects.requireNonNull(delegate, "delegate");
            return this;
        }

        /**
         * @throws IllegalStateException when there is no directory, or when recording without a delegate or into
         *                               a directory that cannot be written (the message names it)
         */
        public CassetteStreamingChatModel build() {
            return new CassetteStreamingChatModel(delegate, cassette(delegate, delegate == null ? null : delegate.defaultRequestParameters()));
        }
    }
}
