package io.promptcache;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.promptcache.core.CacheAnswer;
import io.promptcache.langchain4j.LangChain4jConversions;
import io.promptcache.prefix.ProviderCacheUsage;

import java.util.List;
import java.util.Optional;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link ChatModel} that answers from cache when it safely can: first an identical request
 * (exact tier), then a verified paraphrase in the same scope (semantic tier), otherwise the wrapped
 * model, whose answer is stored for next time.
 *
 * <pre>{@code
 * ChatModel model = CachingChatModel.builder()
 *         .delegate(OpenAiChatModel.builder()...build())
 *         .build();
 * Assistant assistant = AiServices.builder(Assistant.class).chatModel(model).build();
 * }</pre>
 *
 * A cache fault never reaches the caller: the call goes on to the wrapped model.
 */
public final class CachingChatModel extends AbstractCachingModel implements ChatModel {

    private final ChatModel delegate;
    private final SingleFlight<Answer> flights = new SingleFlight<>();

    private CachingChatModel(Builder builder) {
        super(builder);
        this.delegate = Objects.requireNonNull(builder.delegate, "delegate must be set");
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        long start = System.nanoTime();
        CacheEngine.CallContext ctx = engine.context();
        try {
            return answer(request, ctx, start);
        } catch (RuntimeException | Error e) {
            ctx.failed(e);
            throw e;
        } finally {
            ctx.leave();
        }
    }

    private ChatResponse answer(ChatRequest request, CacheEngine.CallContext ctx, long start) {
        ChatRequest effective = layout(request);
        long epoch = flights.epoch(); // before the lookup: see SingleFlight
        CacheEngine.Lookup lookup = engine.lookup(LangChain4jConversions.request(effective), ctx);
        long lookupNanos = System.nanoTime() - start;

        if (lookup.hit()) {
            ChatResponse cached = serve(lookup, ctx, start);
            if (cached != null) {
                return cached;
            }
        }

        SingleFlight.Result<Answer> result = flights.run(lookup.flightKey(), () -> {
            // An identical call's answer may have landed after our lookup: read it rather than ask again.
            CacheEngine.Lookup landed = flights.epoch() == epoch ? lookup : engine.recheck(lookup);
            if (landed.hit()) {
                ChatResponse cached = CachedResponses.toChatResponse(landed, engine);
                if (cached != null) {
                    return new Answer(cached, answerOf(cached), landed, null);
                }
            }
            ChatResponse response = delegate.chat(effective);
            CacheAnswer answer = answerOf(response);
            return new Answer(response, answer, null, engine.timedStore(lookup, answer));
        }, answer -> answer.stored() == null ? null : answer.stored().stored().settled());
        Answer answer = result.value();
        if (answer.servedFrom() != null) {
            // Served from the store, to the leader and its followers alike: an exact hit for each.
            engine.metrics().hit(CacheSource.EXACT);
            CacheOutcome outcome = CacheOutcome.hit(answer.servedFrom().withContext(ctx), start);
            engine.report(ctx, outcome, answer.answer(), outcome.latency().toNanos());
            return answer.response();
        }
        engine.metrics().miss();
        if (result.shared()) {
            engine.metrics().sharedFlight();
        }
        ChatResponse response = answer.response();
        CacheEngine.TimedStore stored = answer.stored();
        engine.report(ctx, CacheOutcome.model(lookup, start, ProviderCacheUsage.of(answer.answer()),
                result.shared() ? CacheEngine.Stored.NOT : stored.stored(), result.shared()), answer.answer(),
                lookupNanos + (result.shared() ? 0 : stored.nanos()));
        return response;
    }

    /**
     * Serves entry {@code entryId} as an exact hit for the calling thread's {@link CacheScope}, without the request:
     * for a front door that has keyed an identical request before (the gateway remembers which entry a request body
     * hit, and so skips parsing and fingerprinting it again). Counted, timed, its TTL slid and reported as any exact
     * hit. Empty when the entry is gone, expired or cannot be read within the budget, or the scope's control does
     * not let the cache serve: then the caller makes the whole call.
     */
    public Optional<ChatResponse> serveKnownEntry(String entryId) {
        java.util.Objects.requireNonNull(entryId, "entryId");
        long start = System.nanoTime();
        Optional<CacheScope> scope = CacheScope.current();
        if (scope.isPresent() && scope.get().hasNextCallControl()) {
            return Optional.empty(); // a one-call control belongs to the whole call that follows
        }
        try {
            // Listeners hear of this call only when it serves: a read that finds nothing is no call of theirs.
            CacheEngine.Lookup lookup = engine.lookupKnown(engine.contextWithoutListeners(), entryId);
            if (lookup == null) {
                return Optional.empty();
            }
            CacheEngine.CallContext ctx = engine.context();
            try {
                return Optional.ofNullable(serve(lookup.withContext(ctx), ctx, start));
            } finally {
                ctx.leave();
            }
        } catch (RuntimeException e) {
            return Optional.empty(); // a cache fault never fails the call: the whole call follows
        }
    }

    /** Serves a hit of the lookup; null when its entry cannot be read (then it is a miss). */
    private ChatResponse serve(CacheEngine.Lookup lookup, CacheEngine.CallContext ctx, long start) {
        ChatResponse cached = CachedResponses.toChatResponse(lookup, engine);
        if (cached != null) {
            engine.metrics().hit(lookup.source());
            engine.slide(lookup);
            CacheOutcome outcome = CacheOutcome.hit(lookup, start);
            engine.report(ctx, outcome, answerOf(cached), outcome.latency().toNanos());
        }
        return cached;
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return delegate.defaultRequestParameters();
    }

    @Override
    public List<ChatModelListener> listeners() {
        // The wrapped model notifies its own listeners on every real call.
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

    public ChatModel delegate() {
        return delegate;
    }

    /** What a flight produced: the model's answer and how it was stored, or an entry that landed meanwhile. */
    private record Answer(ChatResponse response, CacheAnswer answer, CacheEngine.Lookup servedFrom, CacheEngine.TimedStore stored) {
    }

    /** Builder of {@link CachingChatModel}. */
    public static final class Builder extends CachingModelBuilder<Builder> {
        private ChatModel delegate;

        /** The model to call on a miss. Required. */
        public Builder delegate(ChatModel delegate) {
            this.delegate = Objects.requireNonNull(delegate, "delegate");
            return this;
        }

        @Override
        io.promptcache.calibration.PairJudge delegateJudge() {
            return delegate == null ? null : io.promptcache.calibration.PairJudge.chatModel(delegate);
        }

        public CachingChatModel build() {
            if (delegate == null) {
                throw new IllegalStateException("delegate must be set: the ChatModel to call on a cache miss");
            }
            return new CachingChatModel(this);
        }
    }
}
