package io.promptcache.cassette;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link ChatModel} that records the answers of a real model once and replays them in every later run,
 * offline, for deterministic agent tests:
 *
 * <pre>{@code
 * ChatModel model = CassetteChatModel.builder()
 *         .delegate(realModel)              // not called in REPLAY
 *         .directory(Path.of("src/test/resources/cassettes/my-agent"))
 *         .mode(CassetteMode.REPLAY)        // REPLAY | RECORD | RECORD_MISSING
 *         .build();
 * }</pre>
 *
 * Requests are keyed by the exact tier's fingerprint of the request as the application sends it (docs/testing.md
 * says what is in the key and what is left out). A request that changed is a {@link CassetteMissException} that
 * names what changed. {@code -Dpromptcache.cassette.mode=record} re-records without a code change.
 */
public final class CassetteChatModel implements ChatModel {

    private final ChatModel delegate;
    private final Cassette cassette;

    private CassetteChatModel(ChatModel delegate, Cassette cassette) {
        this.delegate = delegate;
        this.cassette = cassette;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        Cassette.Lookup lookup = cassette.lookup(request);
        if (lookup.replay().isPresent()) {
            return lookup.replay().get().response().toChatResponse();
        }
        ChatResponse response = delegate.chat(request);
        cassette.record(lookup, RecordedResponse.of(response, List.of()));
        return response;
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

    /** The mode in force (the builder's, or the system property's or environment's). */
    public CassetteMode mode() {
        return cassette.mode();
    }

    public Path directory() {
        return cassette.directory();
    }

    /** The wrapped model, or {@code null} for a replay-only cassette. */
    public ChatModel delegate() {
        return delegate;
    }

    /** Builder of {@link CassetteChatModel}: the model, and the {@link CassetteOptions}. */
    public static final class Builder extends CassetteOptions<Builder> {
        private ChatModel delegate;

        /** The real model: called in RECORD and RECORD_MISSING, never in REPLAY (where it may be left out). */
        public Builder delegate(ChatModel delegate) {
            this.delegate = Objects.requireNonNull(delegate, "delegate");
            return this;
        }

        /**
         * @throws IllegalStateException when there is no directory, or when recording without a delegate or into
         *                               a directory that cannot be written (the message names it)
         */
        public CassetteChatModel build() {
            return new CassetteChatModel(delegate, cassette(delegate, delegate == null ? null : delegate.defaultRequestParameters()));
        }
    }
}
