package io.promptcache.cassette;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;

/** What the builders of both cassette models take besides their model. */
public abstract class CassetteOptions<B extends CassetteOptions<B>> {

    Path directory;
    CassetteMode mode = CassetteMode.REPLAY;
    Function<String, String> redactor;

    CassetteOptions() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** Where the recordings are: one JSON file per request. Required. */
    public B directory(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
        return self();
    }

    /** Default REPLAY; {@value CassetteMode#PROPERTY} or {@value CassetteMode#ENVIRONMENT} override it. */
    public B mode(CassetteMode mode) {
        this.mode = Objects.requireNonNull(mode, "mode");
        return self();
    }

    /** Edits every text of the request's copy written for people (secrets, personal data); never the key. */
    public B redactor(Function<String, String> redactor) {
        this.redactor = Objects.requireNonNull(redactor, "redactor");
        return self();
    }

    /**
     * The shared part of a model: checked here, at build time.
     *
     * @throws IllegalStateException when there is no directory, or when recording without a model or into a
     *                               directory that cannot be written (the message names it)
     */
    Cassette cassette(Object delegate, dev.langchain4j.model.chat.request.ChatRequestParameters delegateDefaults) {
        if (directory == null) {
            throw new IllegalStateException("directory must be set: where the recordings are");
        }
        return new Cassette(directory, mode, redactor, delegateDefaults, delegate != null);
    }
}
