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
import java.util.function.Function;

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

    private CassetteChatModel(Builder b) {
        this.delegate = b.delegate;
        this.cassette = new Cassette(b.directory, b.mode, b.redactor,
                b.delegate == null ? null : b.delegate.defaultRequestParameters(), b.delegate != null);
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

    /** Builder of {@link CassetteChatModel}. */
    public static final class Builder {
        private ChatModel delegate;
        private Path directory;
        private CassetteMode mode = CassetteMode.REPLAY;
        private Function<String, String> redactor;

        /** The real model: called in RECORD and RECORD_MISSING, never in REPLAY (where it may be left out). */
        public Builder delegate(ChatModel delegate) {
            this.delegate = Objects.requireNonNull(delegate, "delegate");
            return this;
        }

        /** Where the recordings are: one JSON file per request. Required. */
        public Builder directory(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** Default REPLAY; {@value CassetteMode#PROPERTY} or {@value CassetteMode#ENVIRONMENT} override it. */
        public Builder mode(CassetteMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Edits every text of the request's copy written for people (secrets, personal data); never the key. */
        public Builder redactor(Function<String, String> redactor) {
            this.redactor = Objects.requireNonNull(redactor, "redactor");
            return this;
        }

        /**
         * @throws IllegalStateException when recording without a delegate, or into a directory that cannot be
         *                               written (the message names it)
         */
        public CassetteChatModel build() {
            if (directory == null) {
                throw new IllegalStateException("directory must be set: where the recordings are");
            }
            return new CassetteChatModel(this);
        }
    }
}
