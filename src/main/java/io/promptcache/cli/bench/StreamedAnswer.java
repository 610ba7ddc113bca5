package io.promptcache.cli.bench;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A streamed answer for the benchmarks: when its first partial response came, and the complete response. */
final class StreamedAnswer implements StreamingChatResponseHandler {

    private final CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    private volatile long firstPartialNanos;

    @Override
    public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
        if (firstPartialNanos == 0) {
            firstPartialNanos = System.nanoTime();
        }
    }

    @Override
    public void onCompleteResponse(ChatResponse response) {
        done.complete(response);
    }

    @Override
    public void onError(Throwable error) {
        done.completeExceptionally(error);
    }

    /** Waits for the complete response; throws the stream's error. */
    ChatResponse await(long timeout, TimeUnit unit) throws Exception {
        return done.get(timeout, unit);
    }

    /** {@link System#nanoTime()} of the first partial response, 0 when none came. */
    long firstPartialNanos() {
        return firstPartialNanos;
    }
}
