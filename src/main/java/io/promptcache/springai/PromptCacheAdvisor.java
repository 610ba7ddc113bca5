package io.promptcache.springai;

import io.promptcache.AbstractCachingModel;
import io.promptcache.CacheControl;
import io.promptcache.CachingModelBuilder;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.core.Ordered;
import reactor.core.publisher.Flux;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * PromptCache as a {@code ChatClient} advisor, for an application that wants the cache on some clients only:
 *
 * <pre>{@code
 * ChatClient client = ChatClient.builder(chatModel).defaultAdvisors(PromptCacheAdvisor.builder().build()).build();
 * client.prompt().user(question).advisors(a -> a.param(PromptCacheAdvisor.TENANT, "acme")).call().content();
 * }</pre>
 *
 * <p>It sits next to the model, inside {@code ChatClient}'s tool loop and after memory and retrieval advisors, so it
 * sees each round trip as the model will (the prompt {@code ChatClient} built, with the model's options merged in)
 * and follows the same rules as {@link SpringAiCachingChatModel}. The tenant, user and control of a call come from
 * the advisor context ({@link #TENANT}, {@link #USER}, {@link #CONTROL}), else from the thread's
 * {@link io.promptcache.CacheScope} (the web filter's), else the default tenant.
 */
public final class PromptCacheAdvisor implements CallAdvisor, StreamAdvisor, AutoCloseable {

    /** Advisor context key: the tenant of this call. */
    public static final String TENANT = "promptcache.tenant";
    /** Advisor context key: the user of this call (with per-user isolation). */
    public static final String USER = "promptcache.user";
    /** Advisor context key: a {@link CacheControl}, or its text ({@code "no-cache"}, {@code "no-store, ttl=60s"}). */
    public static final String CONTROL = "promptcache.control";

    /** Next to the model: after every other advisor, {@code ChatClient}'s tool loop included. */
    public static final int DEFAULT_ORDER = Ordered.LOWEST_PRECEDENCE - 1000;

    private final SpringAiCache cache;
    private final int order;

    private PromptCacheAdvisor(Builder b) {
        this.cache = new SpringAiCache(b.cache);
        this.order = b.order;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
        ChatClientResponse[] last = new ChatClientResponse[1];
        ChatResponse answer = cache.call(request.prompt(), null, who(request.context()), prompt -> {
            last[0] = chain.nextCall(request.mutate().prompt(prompt).build());
            return last[0].chatResponse();
        });
        if (last[0] != null && last[0].chatResponse() == answer) {
            return last[0];
        }
        return ChatClientResponse.builder().chatResponse(answer).context(request.context()).build();
    }

    @Override
    public Flux<ChatClientResponse> adviseStream(ChatClientRequest request, StreamAdvisorChain chain) {
        return cache.stream(request.prompt(), null, who(request.context()),
                        prompt -> chain.nextStream(request.mutate().prompt(prompt).build()).mapNotNull(ChatClientResponse::chatResponse))
                .map(chunk -> ChatClientResponse.builder().chatResponse(chunk).context(request.context()).build());
    }

    private static SpringAiCache.Who who(Map<String, Object> context) {
        Object tenant = context.get(TENANT);
        Object user = context.get(USER);
        Object control = context.get(CONTROL);
        if (tenant == null && user == null && control == null) {
            return null;
        }
        String t = tenant != null ? tenant.toString()
                : io.promptcache.CacheScope.current().map(io.promptcache.CacheScope::tenant).orElse(null);
        if (t == null) {
            throw new IllegalArgumentException("'" + USER + "' or '" + CONTROL + "' was given without '" + TENANT
                    + "' and no cache scope is open: say which tenant the call is for");
        }
        CacheControl c = control == null ? null
                : control instanceof CacheControl cc ? cc : CacheControl.parse(control.toString());
        return new SpringAiCache.Who(t, user == null ? null : user.toString(), c);
    }

    @Override
    public String getName() {
        return "PromptCacheAdvisor";
    }

    @Override
    public int getOrder() {
        return order;
    }

    /** The engine's caching models behind this advisor, blocking first: for meters, statistics and erasure. */
    public List<AbstractCachingModel> cachingModels() {
        return cache.models();
    }

    @Override
    public void close() {
        cache.close();
    }

    public static final class Builder {
        private Consumer<CachingModelBuilder<?>> cache = b -> { };
        private int order = DEFAULT_ORDER;

        private Builder() {
        }

        /** The cache's settings, as on {@link SpringAiCachingChatModel.Builder#cache}. */
        public Builder cache(Consumer<CachingModelBuilder<?>> settings) {
            this.cache = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** Where the advisor sits; keep it after (a larger number than) the tool loop's advisor and memory. */
        public Builder order(int order) {
            this.order = order;
            return this;
        }

        public PromptCacheAdvisor build() {
            return new PromptCacheAdvisor(this);
        }
    }
}
