package io.promptcache;

import dev.langchain4j.model.chat.response.ChatResponse;
import io.promptcache.core.CacheAnswer;
import io.promptcache.langchain4j.LangChain4jConversions;

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
        return whyNotCacheable(LangChain4jConversions.answer(response));
    }

    /** Why an answer must not be stored, or {@code null} when it may be. */
    public String whyNotCacheable(CacheAnswer answer) {
        if (answer == null) {
            return "no response";
        }
        String finish = answer.finishReason();
        if (answer.hasToolCalls()) {
            if (!cacheToolCallResponses) {
                return "requests tool calls";
            }
            return CacheAnswer.TOOL_CALLS.equals(finish) || CacheAnswer.STOP.equals(finish)
                    ? null : "finish reason " + finish;
        }
        if (!CacheAnswer.STOP.equals(finish)) {
            return "finish reason " + finish;
        }
        if (answer.text() == null || answer.text().isBlank()) {
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
