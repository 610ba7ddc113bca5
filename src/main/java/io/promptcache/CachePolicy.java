package io.promptcache;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;

/**
 * Decides which model answers may be stored. Only complete answers are: an error, an empty
 * answer, or an answer cut off by a length limit or a content filter is never replayed.
 */
public final class CachePolicy {

    private final boolean cacheToolCallResponses;

    private CachePolicy(Builder b) {
        this.cacheToolCallResponses = b.cacheToolCallResponses;
    }

    public static CachePolicy defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean cacheToolCallResponses() {
        return cacheToolCallResponses;
    }

    /** Why a response must not be stored, or {@code null} when it may be. */
    public String whyNotCacheable(ChatResponse response) {
        if (response == null || response.aiMessage() == null) {
            return "no response";
        }
        AiMessage ai = response.aiMessage();
        if (ai.hasToolExecutionRequests()) {
            if (!cacheToolCallResponses) {
                return "requests tool calls";
            }
            return response.finishReason() == FinishReason.TOOL_EXECUTION || response.finishReason() == FinishReason.STOP
                    ? null : "finish reason " + response.finishReason();
        }
        if (response.finishReason() != FinishReason.STOP) {
            return "finish reason " + response.finishReason();
        }
        if (ai.text() == null || ai.text().isBlank()) {
            return "empty answer";
        }
        return null;
    }

    /** Builder for {@link CachePolicy}. */
    public static final class Builder {
        private boolean cacheToolCallResponses;

        /** Store responses that ask for tool calls; off by default because tools often read live data. */
        public Builder cacheToolCallResponses(boolean on) {
            this.cacheToolCallResponses = on;
            return this;
        }

        public CachePolicy build() {
            return new CachePolicy(this);
        }
    }
}
