package io.promptcache;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.promptcache.prefix.ProviderCacheUsage;

import java.util.List;
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
        ChatRequest effective = engine.layout(request);
        CacheEngine.Lookup lookup = engine.lookup(effective, ctx);
        long lookupNanos = System.nanoTime() - start;

        if (lookup.hit()) {
            ChatResponse cached = CachedResponses.toChatResponse(lookup, engine);
            if (cached != null) {
                engine.metrics().hit(lookup.source());
                engine.slide(lookup);
                CacheOutcome outcome = CacheOutcome.hit(lookup, start);
                engine.report(ctx, outcome, cached, outcome.latency().toNanos());
                return cached;
            }
        }

        engine.metrics().miss();
        SingleFlight.Result<Answer> result = flights.run(lookup.flightKey(), () -> {
            ChatResponse response = delegate.chat(effective);
            return new Answer(response, engine.timedStore(lookup, response));
        });
        if (result.shared()) {
            engine.metrics().sharedFlight();
        }
        ChatResponse response = result.value().response();
        CacheEngine.TimedStore stored = result.value().stored();
        engine.report(ctx, CacheOutcome.model(lookup, start, ProviderCacheUsage.of(response),
                result.shared() ? CacheEngine.Stored.NOT : stored.stored(), result.shared()), response,
                lookupNanos + (result.shared() ? 0 : stored.nanos()));
        return response;
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

    private record Answer(ChatResponse response, CacheEngine.TimedStore stored) {
    }

    /** Builder of {@link CachingChatModel}. */
    public static final class Builder extends CachingModelBuilder<Builder> {
        private ChatModel delegate;

        /** The model to call on a miss. Required. */
        public Builder delegate(ChatModel delegate) {
            this.delegate = Objects.requireNonNull(delegate, "delegate");
            return this;
        }

        public CachingChatModel build() {
            if (delegate == null) {
                throw new IllegalStateException("delegate must be set: the ChatModel to call on a cache miss");
            }
            return new CachingChatModel(this);
        }
    }
}
