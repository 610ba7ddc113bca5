package io.promptcache.springai;

import io.promptcache.AbstractCachingModel;
import io.promptcache.CachingModelBuilder;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import reactor.core.publisher.Flux;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * PromptCache for Spring AI: a {@link ChatModel} that answers from the cache when it can and asks the wrapped model
 * when it cannot. The same tiers, scope, verification, policy, meters and erasure as the LangChain4j models:
 *
 * <pre>{@code
 * ChatModel cached = SpringAiCachingChatModel.builder()
 *         .delegate(openAiChatModel)
 *         .cache(b -> b.cacheStore(RedisCacheStore.builder().url("redis://localhost:6379").build()))
 *         .build();
 * ChatClient client = ChatClient.create(cached);
 * }</pre>
 *
 * <ul>
 *   <li>Every round trip of {@code ChatClient}'s tool loop passes through here: an answer that asks for a tool call
 *       is stored only when {@code cacheToolCallResponses} is on, as in the LangChain4j adapter, and the answer
 *       after a tool result is stored and served by the exact tier.</li>
 *   <li>{@link #stream(Prompt)} replays a hit as chunks of text and a last chunk with the finish reason, the stored
 *       usage and the cache's metadata; identical streams in flight share one call downstream.</li>
 *   <li>The tenant is the thread's {@link io.promptcache.CacheScope} (the web filter opens one per request), taken
 *       when {@code stream} is called, not where the stream is subscribed.</li>
 *   <li>An answer that did not come from the model this time carries {@code promptcache.source},
 *       {@code promptcache.entry} and {@code promptcache.similarity} in its response metadata.</li>
 * </ul>
 */
public final class SpringAiCachingChatModel implements ChatModel, AutoCloseable {

    private final ChatModel delegate;
    private final SpringAiCache cache;

    private SpringAiCachingChatModel(Builder b) {
        this.delegate = b.delegate;
        this.cache = new SpringAiCache(b.cache);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ChatResponse call(Prompt prompt) {
        return cache.call(prompt, delegate.getDefaultOptions(), null, delegate::call);
    }

    @Override
    public Flux<ChatResponse> stream(Prompt prompt) {
        return cache.stream(prompt, delegate.getDefaultOptions(), null, delegate::stream);
    }

    @Override
    public ChatOptions getDefaultOptions() {
        return delegate.getDefaultOptions();
    }

    @Override
    public ChatOptions getOptions() {
        return delegate.getOptions();
    }

    /** The model this one wraps. */
    public ChatModel delegate() {
        return delegate;
    }

    /**
     * The engine's caching models behind this one, blocking first, then streaming: for meters
     * ({@code PromptCacheMeters.bind}), statistics, invalidation and erasure.
     */
    public List<AbstractCachingModel> cachingModels() {
        return cache.models();
    }

    @Override
    public void close() {
        cache.close();
    }

    public static final class Builder {
        private ChatModel delegate;
        private Consumer<CachingModelBuilder<?>> cache = b -> { };

        private Builder() {
        }

        /** The Spring AI model to ask on a miss. Required. */
        public Builder delegate(ChatModel delegate) {
            this.delegate = Objects.requireNonNull(delegate, "delegate");
            return this;
        }

        /**
         * The cache's settings, as on {@code CachingChatModel.builder()}: store, TTL, embedder, thresholds,
         * listeners. Applied to both the blocking and the streaming side, which share one store: pass instances
         * (a store, an embedding store) rather than sizes, so both sides use the same one.
         */
        public Builder cache(Consumer<CachingModelBuilder<?>> settings) {
            this.cache = Objects.requireNonNull(settings, "settings");
            return this;
        }

        public SpringAiCachingChatModel build() {
            if (delegate == null) {
                throw new IllegalStateException("SpringAiCachingChatModel needs the model it wraps: call delegate(chatModel)");
            }
            if (delegate instanceof SpringAiCachingChatModel) {
                throw new IllegalStateException("this model already answers through PromptCache: wrap it once");
            }
            return new SpringAiCachingChatModel(this);
        }
    }
}
