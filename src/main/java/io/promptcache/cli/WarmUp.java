package io.promptcache.cli;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import io.promptcache.CacheScope;
import io.promptcache.CachingChatModel;
import io.promptcache.CachingStreamingChatModel;
import io.promptcache.quality.OperatingPoint;
import io.promptcache.semantic.MatchCandidate;
import io.promptcache.semantic.TokenEncoder;
import io.promptcache.semantic.VerifierChain;

import io.promptcache.CachingModelBuilder;
import io.promptcache.embedding.EmbeddingModels;
import io.promptcache.embedding.InProcessModel;

import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the cache path (fingerprint, embedding, vector search, verification, replay, AiServices) a few
 * dozen times against a local echo model in a throwaway cache, before the first timed turn. A fresh
 * JVM runs every method interpreted at first; without this the demo's first hits would measure the
 * JIT, not the cache. Nothing here reaches the real model or the user's cache.
 */
public final class WarmUp {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WarmUp.class);

    private static final String[] QUESTIONS = {"什么是缓存？", "缓存是什么？", "如何开通服务", "如何取消服务",
            "How does a semantic cache work?", "What is a semantic cache?", "缓存是什么？", "什么是缓存？"};

    private static final int ROUNDS = 12;

    private WarmUp() {
    }

    /**
     * Warms up what can be warmed. Never fails: an embedder that does not answer is left out (the
     * caching model itself warns about it once), and anything else that goes wrong only costs the JIT.
     */
    public static void run(EmbeddingModel embedder, boolean stream) {
        List<EmbeddingModel> models = embedders(embedder);
        boolean semantic = true;
        try {
            for (EmbeddingModel model : models) {
                model.embed(QUESTIONS[0]);
            }
        } catch (RuntimeException down) {
            semantic = false;
        }
        try {
            warm(embedder, models, semantic, stream);
        } catch (RuntimeException e) {
            LOG.debug("warm-up failed; the first turns may run slower", e);
        }
    }

    /** The models behind an embedder option: the one given, or each in-process model of the default. */
    private static List<EmbeddingModel> embedders(EmbeddingModel embedder) {
        if (embedder != null) {
            return List.of(embedder);
        }
        return Arrays.stream(InProcessModel.values()).filter(InProcessModel::available).map(EmbeddingModels::inProcess).toList();
    }

    private static <B extends CachingModelBuilder<B>> B configure(B b, EmbeddingModel embedder, boolean semantic) {
        if (!semantic) {
            return b.semanticEnabled(false);
        }
        return embedder == null ? b : b.embeddingModel(embedder);
    }

    private static void warm(EmbeddingModel embedder, List<EmbeddingModel> models, boolean semantic, boolean stream) {
        for (int i = 0; semantic && i < 4; i++) {
            for (String q : QUESTIONS) {
                for (EmbeddingModel model : models) {
                    model.embed(q);
                }
            }
        }
        // The verifiers only run on candidates above the threshold, which warm-up questions may not reach.
        VerifierChain chain = new VerifierChain(OperatingPoint.DEFAULT.verifiers(TokenEncoder.inProcess()));
        for (int i = 0; i < 300; i++) {
            String q = QUESTIONS[i % QUESTIONS.length];
            String c = QUESTIONS[(i + 1) % QUESTIONS.length];
            chain.verify(new MatchCandidate("warm-up", q, c, i % 2 == 0 ? 0.957 : 0.99, i % 3));
        }
        try (CacheScope ignored = CacheScope.open("promptcache-warm-up")) {
            if (stream) {
                CachingStreamingChatModel.Builder b = CachingStreamingChatModel.builder().delegate(new EchoStreamingModel());
                CachingStreamingChatModel model = configure(b, embedder, semantic).build();
                StreamingAssistant assistant = AiServices.builder(StreamingAssistant.class).streamingChatModel(model)
                        .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(10))
                        .tools(new DemoTools(Clock.systemDefaultZone())).build();
                for (int round = 0; round < ROUNDS; round++) {
                    for (int i = 0; i < QUESTIONS.length; i++) {
                        CompletableFuture<Object> done = new CompletableFuture<>();
                        assistant.chat("warm-" + round + "-" + i, QUESTIONS[i]).onPartialResponse(t -> { })
                                .onCompleteResponse(done::complete).onError(done::completeExceptionally).start();
                        done.join();
                    }
                }
            } else {
                CachingChatModel.Builder b = CachingChatModel.builder().delegate(new EchoModel());
                CachingChatModel model = configure(b, embedder, semantic).build();
                Assistant assistant = AiServices.builder(Assistant.class).chatModel(model)
                        .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(10))
                        .tools(new DemoTools(Clock.systemDefaultZone())).build();
                for (int round = 0; round < ROUNDS; round++) {
                    for (int i = 0; i < QUESTIONS.length; i++) {
                        assistant.chat("warm-" + round + "-" + i, QUESTIONS[i]);
                    }
                }
            }
        }
    }

    private static ChatResponse echo(ChatRequest request) {
        return ChatResponse.builder().aiMessage(AiMessage.from("warm-up answer to a warm-up question"))
                .finishReason(FinishReason.STOP).modelName("echo").build();
    }

    private static final class EchoModel implements ChatModel {
        @Override
        public ChatResponse doChat(ChatRequest request) {
            return echo(request);
        }
    }

    private static final class EchoStreamingModel implements StreamingChatModel {
        @Override
        public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
            ChatResponse response = echo(request);
            for (String piece : response.aiMessage().text().split("(?<= )")) {
                handler.onPartialResponse(piece);
            }
            handler.onCompleteResponse(response);
        }
    }
}
