package io.promptcache.testing;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Records what a stream delivered; optionally cancels after N partial responses. */
public final class CollectingHandler implements StreamingChatResponseHandler {

    public final List<String> partials = new CopyOnWriteArrayList<>();
    public final List<String> thinking = new CopyOnWriteArrayList<>();
    public final List<CompleteToolCall> toolCalls = new CopyOnWriteArrayList<>();
    public final CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    private final int cancelAfter;
    public volatile long firstPartialNanos;

    public CollectingHandler() {
        this(-1);
    }

    public CollectingHandler(int cancelAfter) {
        this.cancelAfter = cancelAfter;
    }

    @Override
    public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
        if (partials.isEmpty()) {
            firstPartialNanos = System.nanoTime();
        }
        partials.add(partial.text());
        if (cancelAfter > 0 && partials.size() >= cancelAfter) {
            context.streamingHandle().cancel();
            done.completeExceptionally(new IllegalStateException("cancelled by the test"));
        }
    }

    @Override
    public void onPartialThinking(PartialThinking partial, PartialThinkingContext context) {
        thinking.add(partial.text());
    }

    @Override
    public void onCompleteToolCall(CompleteToolCall call) {
        toolCalls.add(call);
    }

    @Override
    public void onCompleteResponse(ChatResponse response) {
        done.complete(response);
    }

    @Override
    public void onError(Throwable error) {
        done.completeExceptionally(error);
    }

    public String text() {
        return String.join("", partials);
    }

    public ChatResponse await() throws Exception {
        return done.get(30, TimeUnit.SECONDS);
    }
}
