package io.promptcache.cassette;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;

import java.nio.file.Path;
import java.util.Objects;

/** Wraps a test's models in cassettes of one directory and mode; given by {@link PromptCassette}'s extension. */
public final class CassetteModels {

    private final Path directory;
    private final CassetteMode mode;

    public CassetteModels(Path directory, CassetteMode mode) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    /** The model, recorded or replayed. */
    public CassetteChatModel wrap(ChatModel model) {
        return CassetteChatModel.builder().delegate(model).directory(directory).mode(mode).build();
    }

    /** The streaming model, recorded or replayed. */
    public CassetteStreamingChatModel wrap(StreamingChatModel model) {
        return CassetteStreamingChatModel.builder().delegate(model).directory(directory).mode(mode).build();
    }

    /** A model that only replays (no real model behind it): every request must have been recorded. */
    public CassetteChatModel replayOnly() {
        return CassetteChatModel.builder().directory(directory).mode(CassetteMode.REPLAY).build();
    }

    public Path directory() {
        return directory;
    }

    /** The configured mode (a system property or environment variable still overrides it when a model is built). */
    public CassetteMode mode() {
        return mode;
    }
}
