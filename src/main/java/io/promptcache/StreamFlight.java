package io.promptcache;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One upstream stream shared by every caller that asked the same thing while it was in flight.
 * It records each event and fans it out; a caller that joins late first gets the events so far,
 * then the live ones. Each caller gets its own {@link StreamingHandle}: cancelling detaches that
 * caller only, and the upstream is cancelled when the last caller has left.
 */
final class StreamFlight implements StreamingChatResponseHandler {

    /** Runs before the terminal event reaches the subscribers: store the answer, report outcomes. */
    interface Completion {
        void completed(ChatResponse response, boolean upstreamCancelled);
    }

    private final List<Consumer<Subscriber>> events = new ArrayList<>();
    private final List<Subscriber> subscribers = new ArrayList<>();
    private final Completion completion;
    private final Runnable onTerminal;
    private StreamingHandle upstream;
    private boolean upstreamCancelled;
    private boolean terminated;
    /** Completes when the flight has left the in-flight map, its answer stored (or not) for good. */
    private final java.util.concurrent.CompletableFuture<Void> settled = new java.util.concurrent.CompletableFuture<>();

    StreamFlight(Completion completion, Runnable onTerminal) {
        this.completion = completion;
        this.onTerminal = onTerminal;
    }

    /**
     * Adds a caller. {@code beforeTerminal} runs for this caller just before its terminal event
     * (its outcome is reported there). Returns false when the flight has already ended.
     */
    synchronized boolean subscribe(StreamingChatResponseHandler handler, Function<ChatResponse, Void> beforeComplete,
                                   Consumer<Throwable> beforeError) {
        if (terminated) {
            return false;
        }
        Subscriber s = new Subscriber(handler, beforeComplete, beforeError);
        for (Consumer<Subscriber> e : events) {
            s.deliver(e);
        }
        if (!s.detached) {
            subscribers.add(s);
        }
        return true;
    }

    private synchronized void publish(Consumer<Subscriber> event, boolean terminal) {
        if (terminated) {
            return;
        }
        events.add(event);
        if (terminal) {
            terminated = true;
            onTerminal.run(); // leave the in-flight map before anyone hears the end: a new caller starts afresh
        }
        for (Subscriber s : List.copyOf(subscribers)) {
            s.deliver(event);
        }
        if (terminal) {
            subscribers.clear();
            events.clear();
        }
    }

    private synchronized void detach(Subscriber s) {
        s.detached = true;
        subscribers.remove(s);
        if (subscribers.isEmpty() && !terminated && upstream != null && !upstreamCancelled) {
            cancelUpstream(upstream);
        }
    }

    /** Everyone left: stop the upstream and end the flight, so a new caller starts a fresh stream. */
    private void cancelUpstream(StreamingHandle handle) {
        upstreamCancelled = true;
        terminated = true;
        events.clear();
        onTerminal.run();
        handle.cancel();
    }

    private synchronized void capture(StreamingHandle handle) {
        if (upstream == null && handle != null) {
            upstream = handle;
            if (subscribers.isEmpty() && !terminated) {
                cancelUpstream(handle);
            }
        }
    }

    void settle() {
        settled.complete(null);
    }

    /** Waits, at most {@code budget}, until the flight has settled; a caller that came too late looks again after. */
    void awaitSettled(java.time.Duration budget) {
        try {
            settled.get(budget.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            // past the write budget the caller goes on as if the answer were not stored
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    synchronized boolean upstreamCancelled() {
        return upstreamCancelled;
    }

    // ---- upstream events ----

    @Override
    public void onPartialResponse(String text) {
        publish(s -> s.handler.onPartialResponse(new PartialResponse(text), new PartialResponseContext(s.handle)), false);
    }

    @Override
    public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
        capture(context == null ? null : context.streamingHandle());
        publish(s -> s.handler.onPartialResponse(partial, new PartialResponseContext(s.handle)), false);
    }

    @Override
    public void onPartialThinking(PartialThinking thinking) {
        publish(s -> s.handler.onPartialThinking(thinking, new PartialThinkingContext(s.handle)), false);
    }

    @Override
    public void onPartialThinking(PartialThinking thinking, PartialThinkingContext context) {
        capture(context == null ? null : context.streamingHandle());
        publish(s -> s.handler.onPartialThinking(thinking, new PartialThinkingContext(s.handle)), false);
    }

    @Override
    public void onPartialToolCall(PartialToolCall call) {
        publish(s -> s.handler.onPartialToolCall(call, new PartialToolCallContext(s.handle)), false);
    }

    @Override
    public void onPartialToolCall(PartialToolCall call, PartialToolCallContext context) {
        capture(context == null ? null : context.streamingHandle());
        publish(s -> s.handler.onPartialToolCall(call, new PartialToolCallContext(s.handle)), false);
    }

    @Override
    public void onCompleteToolCall(CompleteToolCall call) {
        publish(s -> s.handler.onCompleteToolCall(call), false);
    }

    @Override
    public void onCompleteResponse(ChatResponse response) {
        completion.completed(response, upstreamCancelled());
        publish(s -> {
            s.beforeComplete.apply(response);
            s.handler.onCompleteResponse(response);
        }, true);
    }

    @Override
    public void onError(Throwable error) {
        publish(s -> {
            s.beforeError.accept(error);
            s.handler.onError(error);
        }, true);
    }

    /** One caller of the flight. */
    private final class Subscriber {
        final StreamingChatResponseHandler handler;
        final Function<ChatResponse, Void> beforeComplete;
        final Consumer<Throwable> beforeError;
        final StreamingHandle handle = new StreamingHandle() {
            private volatile boolean cancelled;

            @Override
            public void cancel() {
                cancelled = true;
                detach(Subscriber.this);
            }

            @Override
            public boolean isCancelled() {
                return cancelled;
            }
        };
        boolean detached;

        Subscriber(StreamingChatResponseHandler handler, Function<ChatResponse, Void> beforeComplete,
                   Consumer<Throwable> beforeError) {
            this.handler = handler;
            this.beforeComplete = beforeComplete;
            this.beforeError = beforeError;
        }

        void deliver(Consumer<Subscriber> event) {
            if (detached) {
                return;
            }
            try {
                event.accept(this);
            } catch (RuntimeException e) {
                // A failing handler loses its own stream, never the others'.
                detach(this);
                try {
                    handler.onError(e);
                } catch (RuntimeException ignored) {
                    // nothing more we can do for this caller
                }
            }
        }
    }
}
