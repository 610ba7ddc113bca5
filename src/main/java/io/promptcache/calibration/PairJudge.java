package io.promptcache.calibration;

import dev.langchain4j.model.chat.ChatModel;
import io.promptcache.semantic.LlmJudgeVerifier;

import java.util.Objects;

/**
 * Decides whether one answer serves two questions: the ground truth self-calibration learns from. It runs in
 * the background, never on a caller's path. An exception, a timeout or a null is "no verdict": it costs a judge
 * call, is counted, and is never taken as "same".
 */
@FunctionalInterface
public interface PairJudge {

    /**
     * @param storedQuestion the question whose answer is in the cache
     * @param newQuestion    the question that would be served that answer
     * @return TRUE when a correct answer to the first is a correct answer to the second, FALSE when not, null when
     * the judge cannot tell
     */
    Boolean sameAnswer(String storedQuestion, String newQuestion);

    /**
     * A chat model asked with {@link LlmJudgeVerifier}'s prompt. Pass the model itself, never a caching model:
     * a judge's verdicts must not come from the cache it calibrates.
     */
    static PairJudge chatModel(ChatModel model) {
        Objects.requireNonNull(model, "model");
        return (stored, asked) -> {
            var response = model.chat(LlmJudgeVerifier.judgeRequest(stored, asked));
            return response == null || response.aiMessage() == null ? null
                    : LlmJudgeVerifier.verdictOf(response.aiMessage().text());
        };
    }

    /** A streaming chat model asked the same way; its streamed answer is read whole. */
    static PairJudge streamingChatModel(dev.langchain4j.model.chat.StreamingChatModel model) {
        Objects.requireNonNull(model, "model");
        return (stored, asked) -> {
            java.util.concurrent.CompletableFuture<String> text = new java.util.concurrent.CompletableFuture<>();
            model.chat(LlmJudgeVerifier.judgeRequest(stored, asked), new dev.langchain4j.model.chat.response.StreamingChatResponseHandler() {
                @Override
                public void onPartialResponse(String partial) {
                }

                @Override
                public void onCompleteResponse(dev.langchain4j.model.chat.response.ChatResponse response) {
                    text.complete(response == null || response.aiMessage() == null ? null : response.aiMessage().text());
                }

                @Override
                public void onError(Throwable error) {
                    text.completeExceptionally(error);
                }
            });
            try {
                return LlmJudgeVerifier.verdictOf(text.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("the judge failed", e.getCause());
            }
        };
    }
}
