package io.promptcache;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import io.promptcache.core.CacheAnswer;
import io.promptcache.langchain4j.LangChain4jConversions;
import io.promptcache.prefix.ProviderCacheUsage;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The streaming twin of {@link CachingChatModel}: same tiers, scope, policy and storage. On a miss
 * every callback of the wrapped model reaches the caller as it arrives while the stream is recorded;
 * only a stream that completes with finish reason STOP is stored. On a hit the stored answer is
 * replayed as partial responses followed by the complete response.
 *
 * <p>To share one cache between a blocking and a streaming model, pass both builders the same
 * {@code cacheStore}, {@code embeddingStore} and {@code embeddingModel}.
 */
public final class CachingStreamingChatModel extends AbstractCachingModel implements StreamingChatModel {

    private final StreamingChatModel delegate;
    private final ReplayPacing pacing;
    private final ExecutorService replayExecutor;
    private final ConcurrentMap<String, StreamFlight> flights = new ConcurrentHashMap<>();
    /** Moves each time a flight's answer has settled in the store (see {@link SingleFlight}). */
    private final java.util.concurrent.atomic.AtomicLong epoch = new java.util.concurrent.atomic.AtomicLong();

    private CachingStreamingChatModel(Builder builder) {
        super(builder);
        this.delegate = builder.delegate;
        this.pacing = builder.pacing;
        this.replayExecutor = builder.pacing.delay().isZero() ? null : CacheExecutor.create("promptcache-replay", 4, 1024);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        long start = System.nanoTime();
        CacheEngine.CallContext ctx = engine.context();
        try {
            stream(request, handler, ctx, start);
        } finally {
            ctx.leave();
        }
    }

    private void stream(ChatRequest request, StreamingChatResponseHandler handler, CacheEngine.CallContext ctx, long start) {
        ChatRequest effective = layout(request);
        long epochAtLookup = epoch.get(); // before the lookup: see SingleFlight
        CacheEngine.Lookup lookup = engine.lookup(LangChain4jConversions.request(effective), ctx);
        long lookupNanos = System.nanoTime() - start;

        if (lookup.hit()) {
            ChatResponse cached = CachedResponses.toChatResponse(lookup, engine);
            if (cached != null) {
                serve(lookup, cached, handler, ctx, start);
                return;
            }
        }
        String key = lookup.flightKey();
        while (true) {
            StreamFlight existing = key == null ? null : flights.get(key);
            if (existing != null) {
                boolean joined = existing.subscribe(handler, response -> {
                    engine.report(ctx, CacheOutcome.model(lookup, start, ProviderCacheUsage.NONE, CacheEngine.Stored.NOT,
                            true), answerOf(response), lookupNanos);
                    return null;
                }, ctx::failed);
                if (joined) {
                    engine.metrics().miss();
                    engine.metrics().sharedFlight();
                    return;
                }
                // It has ended but its answer may still be on its way to the store: wait for that, then look again.
                existing.awaitSettled(engine.writeTimeout());
                flights.remove(key, existing);
                continue;
            }
            AtomicReference<StreamFlight> self = new AtomicReference<>();
            AtomicReference<CacheEngine.TimedStore> stored = new AtomicReference<>(new CacheEngine.TimedStore(CacheEngine.Stored.NOT, 0));
            AtomicReference<CacheEngine.Lookup> landed = new AtomicReference<>();
            StreamFlight flight = new StreamFlight(
                    (response, cancelled) -> {
                        if (!cancelled && landed.get() == null) {
                            stored.set(engine.timedStore(lookup, answerOf(response)));
                        }
                    },
                    () -> stored.get().stored().settled().whenComplete((ignored, error) -> {
                        epoch.incrementAndGet(); // before the key goes, as in SingleFlight
                        if (key != null) {
                            flights.remove(key, self.get());
                        }
                        self.get().settle();
                    }));
            self.set(flight);
            if (key != null && flights.putIfAbsent(key, flight) != null) {
                continue;
            }
            flight.subscribe(handler, response -> {
                if (landed.get() != null) {
                    engine.metrics().hit(CacheSource.EXACT);
                    CacheOutcome outcome = CacheOutcome.hit(landed.get(), start);
                    engine.report(ctx, outcome, answerOf(response), outcome.latency().toNanos());
                    return null;
                }
                CacheAnswer answer = answerOf(response);
                engine.report(ctx, CacheOutcome.model(lookup, start, ProviderCacheUsage.of(answer), stored.get().stored(),
                        false), answer, lookupNanos + stored.get().nanos());
                return null;
            }, ctx::failed);
            // An identical call's answer may have landed after our lookup: replay it rather than ask again.
            CacheEngine.Lookup again = epoch.get() == epochAtLookup ? lookup : engine.recheck(lookup);
            ChatResponse cached = again.hit() ? CachedResponses.toChatResponse(again, engine) : null;
            if (cached != null) {
                landed.set(again);
                replay(cached, flight, () -> { });
                return;
            }
            engine.metrics().miss();
            try {
                delegate.chat(effective, flight);
            } catch (RuntimeException e) {
                flight.onError(e);
            }
            return;
        }
    }

    private void serve(CacheEngine.Lookup lookup, ChatResponse cached, StreamingChatResponseHandler handler,
                       CacheEngine.CallContext ctx, long start) {
        engine.metrics().hit(lookup.source());
        engine.slide(lookup);
        replay(cached, handler, () -> {
            CacheOutcome outcome = CacheOutcome.hit(lookup, start);
            engine.report(ctx, outcome, answerOf(cached), outcome.latency().toNanos());
        });
    }

    /** Replays a stored answer: thinking, text in chunks, tool calls, then the complete response. */
    private void replay(ChatResponse response, StreamingChatResponseHandler handler, Runnable beforeComplete) {
        Runnable work = () -> {
            ReplayHandle handle = new ReplayHandle();
            try {
                String thinking = response.aiMessage().thinking();
                for (String chunk : pacing.chunks(thinking)) {
                    if (handle.isCancelled()) {
                        return;
                    }
                    handler.onPartialThinking(new PartialThinking(chunk), new PartialThinkingContext(handle));
                    pause();
                }
                for (String chunk : pacing.chunks(response.aiMessage().text())) {
                    if (handle.isCancelled()) {
                        return;
                    }
                    handler.onPartialResponse(new PartialResponse(chunk), new PartialResponseContext(handle));
                    pause();
                }
                List<ToolExecutionRequest> calls = response.aiMessage().toolExecutionRequests();
                for (int i = 0; i < calls.size(); i++) {
                    handler.onCompleteToolCall(new CompleteToolCall(i, calls.get(i)));
                }
                if (handle.isCancelled()) {
                    return;
                }
                beforeComplete.run();
                handler.onCompleteResponse(response);
            } catch (RuntimeException e) {
                handler.onError(e);
            }
        };
        if (replayExecutor == null) {
            work.run();
        } else {
            try {
                replayExecutor.execute(work);
            } catch (RuntimeException rejected) {
                work.run();
            }
        }
    }

    private void pause() {
        if (pacing.delay().isZero()) {
            return;
        }
        try {
            Thread.sleep(pacing.delay().toMillis(), pacing.delay().toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return delegate.defaultRequestParameters();
    }

    @Override
    public List<ChatModelListener> listeners() {
        return List.of();
    }

    @Override
    public ModelProvider provider() {
        return delegate.provider();
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return delegate.supportedCapabilities();
    }

    public StreamingChatModel delegate() {
        return delegate;
    }

    /** Streams in flight, shared by identical callers; for tests and monitoring. */
    int inFlight() {
        return flights.size();
    }

    private static final class ReplayHandle implements StreamingHandle {
        private volatile boolean cancelled;

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }
    }

    /** Builder of {@link CachingStreamingChatModel}. */
    public static final class Builder extends CachingModelBuilder<Builder> {
        private StreamingChatModel delegate;
        private ReplayPacing pacing = ReplayPacing.DEFAULT;

        /** The streaming model to call on a miss. Required. */
        public Builder delegate(StreamingChatModel delegate) {
            this.delegate = Objects.requireNonNull(delegate, "delegate");
            return this;
        }

        /** How hits are replayed; default {@link ReplayPacing#DEFAULT}: natural chunks, no delay. */
        public Builder replayPacing(ReplayPacing pacing) {
            this.pacing = Objects.requireNonNull(pacing, "replayPacing");
            return this;
        }

        @Override
        io.promptcache.calibration.PairJudge delegateJudge() {
            return delegate == null ? null : io.promptcache.calibration.PairJudge.streamingChatModel(delegate);
        }

        public CachingStreamingChatModel build() {
            if (delegate == null) {
                throw new IllegalStateException("delegate must be set: the StreamingChatModel to call on a cache miss");
            }
            return new CachingStreamingChatModel(this);
        }
    }
}
