package io.promptcache.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A request as the engine keys it: the messages in the order sent, the tools, and the parameters the provider reads.
 * Built by a front door from its framework's request; immutable.
 *
 * <p>{@link #parametersJson()} is canonical JSON (sorted keys) of every parameter that changes the answer: model,
 * sampling, limits, response format and provider-specific fields. What the provider never reads (keys, headers,
 * timeouts) is left out by the front door, so it never splits a key.
 */
public final class CacheRequest {

    private final List<CacheMessage> messages;
    private final List<CacheTool> tools;
    private final String parametersJson;
    private final String modelName;
    private final Function<String, String> userEncoding;

    private CacheRequest(Builder b) {
        this.messages = List.copyOf(b.messages);
        this.tools = List.copyOf(b.tools);
        this.parametersJson = b.parametersJson;
        this.modelName = b.modelName;
        this.userEncoding = b.userEncoding;
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<CacheMessage> messages() {
        return messages;
    }

    /** The tools in the order sent (the key sorts them; the prefix-break check reads the order). */
    public List<CacheTool> tools() {
        return tools;
    }

    public String parametersJson() {
        return parametersJson;
    }

    /** The model asked, or {@code null} when the request leaves it to the provider's default. */
    public String modelName() {
        return modelName;
    }

    /**
     * The encoding the front door gives a plain-text user message: a conversation whose earlier question is
     * replaced by its canonical form is keyed with it, so both must encode alike.
     */
    public String encodeUserText(String text) {
        return userEncoding.apply(text);
    }

    /** Index of the last user message, or -1. */
    public int lastUserIndex() {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role() == CacheMessage.Role.USER) {
                return i;
            }
        }
        return -1;
    }

    /** The text of the last message when it is a plain-text user message: the question the semantic tier matches. */
    public String question() {
        if (messages.isEmpty()) {
            return null;
        }
        CacheMessage last = messages.get(messages.size() - 1);
        return last.role() == CacheMessage.Role.USER && last.plainText() ? last.text() : null;
    }

    /** Builder of {@link CacheRequest}. */
    public static final class Builder {
        private final List<CacheMessage> messages = new ArrayList<>();
        private final List<CacheTool> tools = new ArrayList<>();
        private String parametersJson = "{}";
        private String modelName;
        private Function<String, String> userEncoding = text -> CacheMessage.user(text).encoded();

        private Builder() {
        }

        public Builder messages(List<CacheMessage> messages) {
            this.messages.clear();
            Objects.requireNonNull(messages, "messages").forEach(this::message);
            return this;
        }

        public Builder message(CacheMessage message) {
            messages.add(Objects.requireNonNull(message, "message"));
            return this;
        }

        public Builder tools(List<CacheTool> tools) {
            this.tools.clear();
            Objects.requireNonNull(tools, "tools").forEach(t -> this.tools.add(Objects.requireNonNull(t, "tool")));
            return this;
        }

        /** Canonical JSON of the parameters (see {@link io.promptcache.key.CanonicalJson#write(Object)}). */
        public Builder parametersJson(String parametersJson) {
            this.parametersJson = Objects.requireNonNull(parametersJson, "parametersJson");
            return this;
        }

        public Builder modelName(String modelName) {
            this.modelName = modelName;
            return this;
        }

        /** How this front door encodes a plain-text user message; by default as {@link CacheMessage#user(String)}. */
        public Builder userEncoding(Function<String, String> userEncoding) {
            this.userEncoding = Objects.requireNonNull(userEncoding, "userEncoding");
            return this;
        }

        public CacheRequest build() {
            return new CacheRequest(this);
        }
    }
}
