package io.promptcache.springai;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingStore;
import io.promptcache.semantic.InMemoryVectorStore;
import io.promptcache.AbstractCachingModel;
import io.promptcache.CacheControl;
import io.promptcache.CacheOutcome;
import io.promptcache.CacheScope;
import io.promptcache.CachingChatModel;
import io.promptcache.CachingModelBuilder;
import io.promptcache.CachingStreamingChatModel;
import io.promptcache.embedding.InProcessModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The engine behind both Spring AI front doors (the model decorator and the advisor): one caching model for blocking
 * calls and one for streamed calls, sharing one entry store and one vector store, so a question asked one way is
 * answered the other. Each call goes in as the engine's request ({@link SpringAiRequests}); on a miss the
 * application's own prompt goes downstream unchanged, and the downstream answer comes back unchanged.
 */
final class SpringAiCache implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SpringAiCache.class);

    /** Who a call is for, when the caller says so rather than the thread's {@link CacheScope}. */
    record Who(String tenant, String user, CacheControl control) {
        Who {
            CacheScope.checkId("tenant", tenant);
            if (user != null) {
                CacheScope.checkId("user", user);
            }
            control = control == null ? CacheControl.DEFAULT : control;
        }
    }

    private final CachingChatModel blocking;
    private final CachingStreamingChatModel streaming;

    SpringAiCache(Consumer<CachingModelBuilder<?>> settings) {
        Map<InProcessModel, EmbeddingStore<TextSegment>> vectors = new ConcurrentHashMap<>();
        CachingChatModel.Builder b = CachingChatModel.builder().delegate(new SpringAiDownstream.Blocking());
        shareVectors(b, vectors);
        settings.accept(b);
        this.blocking = b.canonicalLayout(false).build();
        CachingStreamingChatModel.Builder s = CachingStreamingChatModel.builder().delegate(new SpringAiDownstream.Streaming());
        shareVectors(s, vectors);
        settings.accept(s);
        this.streaming = s.canonicalLayout(false).cacheStore(blocking.store()).build();
    }

    /**
     * The two models share the in-process vector stores unless the settings name their own. (Canonical layout is
     * off whatever the settings say: the prompt goes downstream as the application wrote it, so keys are of that
     * prompt, not of a re-laid-out one.)
     */
    private static void shareVectors(CachingModelBuilder<?> b, Map<InProcessModel, EmbeddingStore<TextSegment>> vectors) {
        b.embeddingStores(m -> vectors.computeIfAbsent(m, any -> new InMemoryVectorStore()));
    }

    /** The two caching models, for meters, health, the endpoint and erasure. */
    List<AbstractCachingModel> models() {
        return List.of(blocking, streaming);
    }

    CachingChatModel blocking() {
        return blocking;
    }

    CachingStreamingChatModel streaming() {
        return streaming;
    }

    ChatResponse call(Prompt prompt, ChatOptions defaults, Who who, Function<Prompt, ChatResponse> downstream) {
        SpringAiRequests.Converted converted = SpringAiRequests.convert(prompt, defaults);
        if (converted.request() == null) {
            LOG.debug("PromptCache: a Spring AI call not cached: {}", converted.notCachedBecause());
            return downstream.apply(prompt);
        }
        SpringAiCall call = SpringAiCall.blocking(prompt, downstream);
        CacheScope current = CacheScope.current().orElse(null);
        CacheScope own = who != null || current == null ? open(who) : null;
        try {
            dev.langchain4j.model.chat.response.ChatResponse answer = call.around(() -> blocking.chat(converted.request()));
            ChatResponse downstreamAnswer = call.downstreamResponse();
            if (downstreamAnswer != null) {
                return downstreamAnswer; // this call went downstream: its own answer, untouched
            }
            CacheScope scope = own != null ? own : current;
            return SpringAiResponses.toSpringAi(answer, scope.lastOutcome().orElse(null));
        } finally {
            if (own != null) {
                own.close();
            }
        }
    }

    Flux<ChatResponse> stream(Prompt prompt, ChatOptions defaults, Who who, Function<Prompt, Flux<ChatResponse>> downstream) {
        SpringAiRequests.Converted converted = SpringAiRequests.convert(prompt, defaults);
        if (converted.request() == null) {
            LOG.debug("PromptCache: a Spring AI stream not cached: {}", converted.notCachedBecause());
            return downstream.apply(prompt);
        }
        // The subscriber may be on another thread than the caller: the scope is taken now, where the caller is.
        Who caller = who != null ? who : CacheScope.current()
                .map(s -> new Who(s.tenant(), s.user(), s.control())).orElse(null);
        return Flux.create(sink -> {
            SpringAiCall call = SpringAiCall.streaming(prompt, downstream);
            try (CacheScope scope = open(caller)) {
                call.around(() -> {
                    streaming.chat(converted.request(), new Replay(sink, scope));
                    return null;
                });
            } catch (RuntimeException e) {
                sink.error(e);
            }
        });
    }

    private CacheScope open(Who who) {
        if (who == null) {
            return CacheScope.open(blocking.defaultTenant());
        }
        return CacheScope.open(who.tenant(), who.user()).control(who.control());
    }

    /** The engine's stream events as Spring AI chunks: the text as it comes, then one last chunk with the rest. */
    private static final class Replay implements dev.langchain4j.model.chat.response.StreamingChatResponseHandler {
        private final FluxSink<ChatResponse> sink;
        private final CacheScope scope;

        Replay(FluxSink<ChatResponse> sink, CacheScope scope) {
            this.sink = sink;
            this.scope = scope;
        }

        @Override
        public void onPartialResponse(String text) {
            sink.next(SpringAiResponses.chunk(text));
        }

        @Override
        public void onCompleteResponse(dev.langchain4j.model.chat.response.ChatResponse whole) {
            List<AssistantMessage.ToolCall> calls = SpringAiResponses.toolCalls(whole.aiMessage());
            String finish = SpringAiResponses.wireFinishReason(whole.finishReason(), !calls.isEmpty());
            AssistantMessage last = AssistantMessage.builder().content("").toolCalls(calls).build();
            CacheOutcome outcome = scope.lastOutcome().orElse(null);
            sink.next(new ChatResponse(List.of(new Generation(last,
                    ChatGenerationMetadata.builder().finishReason(finish).build())),
                    SpringAiResponses.metadata(whole, outcome)));
            sink.complete();
        }

        @Override
        public void onError(Throwable error) {
            sink.error(error);
        }
    }

    @Override
    public void close() {
        blocking.close();
        streaming.close();
    }
}
