package io.promptcache.cli;

import dev.langchain4j.memory.chat.ChatMemoryProvider;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.service.AiServices;
import io.promptcache.CacheMetrics;
import io.promptcache.CachingChatModel;
import io.promptcache.CachingModelBuilder;
import io.promptcache.CachingStreamingChatModel;
import io.promptcache.deepseek.DeepSeek;
import io.promptcache.prefix.CacheAccounting;
import io.promptcache.deepseek.DeepSeekSimulator;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Wires the demo: DeepSeek (or the offline simulator when there is no key), our caching decorator
 * around it, and the AiServices assistant with tools and chat memory per conversation.
 */
public final class DemoAgent implements AutoCloseable {

    private final DeepSeekSimulator simulator;
    private final CacheMetrics metrics;
    private CacheAccounting accounting;
    private io.promptcache.AbstractCachingModel model;
    private final Assistant assistant;
    private final StreamingAssistant streamingAssistant;

    private DemoAgent(DeepSeekSimulator simulator, CacheMetrics metrics, Assistant assistant,
                      StreamingAssistant streamingAssistant) {
        this.simulator = simulator;
        this.metrics = metrics;
        this.assistant = assistant;
        this.streamingAssistant = streamingAssistant;
    }

    /**
     * @param offline         use the simulator even when a key is set
     * @param stream          use the streaming model and a {@code TokenStream} assistant
     * @param env             environment (DEEPSEEK_API_KEY, DEEPSEEK_BASE_URL)
     * @param simulatorConfig the simulator to start when DeepSeek is not used
     * @param cacheConfig     configures the caching model's builder (embedder, store, TTL, threshold ...)
     */
    public static DemoAgent start(boolean offline, boolean stream, Map<String, String> env,
                                  DeepSeekSimulator.Builder simulatorConfig,
                                  Consumer<CachingModelBuilder<?>> cacheConfig) {
        Optional<DeepSeek.Endpoint> real = offline ? Optional.empty() : DeepSeek.fromEnvironment(env);
        DeepSeekSimulator simulator = real.isPresent() ? null : simulatorConfig.start();
        try {
            DeepSeek.Endpoint endpoint = real.orElseGet(() -> DeepSeek.simulator(simulator));
            CacheMetrics metrics = new CacheMetrics();
            if (stream) {
                CachingStreamingChatModel.Builder b = CachingStreamingChatModel.builder()
                        .delegate(DeepSeek.streamingChatModel(endpoint)).metrics(metrics);
                cacheConfig.accept(b);
                CachingStreamingChatModel model = b.build();
                StreamingAssistant assistant = AiServices.builder(StreamingAssistant.class)
                        .streamingChatModel(model).chatMemoryProvider(memory())
                        .tools(new DemoTools(Clock.systemDefaultZone())).build();
                DemoAgent agent = new DemoAgent(simulator, metrics, null, assistant);
                agent.accounting = model.accounting();
                agent.model = model;
                return agent;
            }
            CachingChatModel.Builder b = CachingChatModel.builder()
                    .delegate(DeepSeek.chatModel(endpoint)).metrics(metrics);
            cacheConfig.accept(b);
            CachingChatModel model = b.build();
            Assistant assistant = AiServices.builder(Assistant.class)
                    .chatModel(model).chatMemoryProvider(memory())
                    .tools(new DemoTools(Clock.systemDefaultZone())).build();
            DemoAgent agent = new DemoAgent(simulator, metrics, assistant, null);
            agent.accounting = model.accounting();
            agent.model = model;
            return agent;
        } catch (RuntimeException e) {
            if (simulator != null) {
                simulator.close();
            }
            throw e;
        }
    }

    private static ChatMemoryProvider memory() {
        return id -> MessageWindowChatMemory.builder().id(id).maxMessages(40).build();
    }

    /**
     * Asks one question; {@code onToken} gets each streamed token (streaming mode) and the first
     * token's time is returned in the answer.
     */
    public Answer ask(String conversationId, String question, Consumer<String> onToken) {
        long start = System.nanoTime();
        if (streamingAssistant == null) {
            String text = assistant.chat(conversationId, question);
            return new Answer(text, null);
        }
        CompletableFuture<String> done = new CompletableFuture<>();
        long[] first = {0};
        streamingAssistant.chat(conversationId, question)
                .onPartialResponse(token -> {
                    if (first[0] == 0) {
                        first[0] = System.nanoTime();
                    }
                    onToken.accept(token);
                })
                .onCompleteResponse(r -> done.complete(r.aiMessage().text()))
                .onError(done::completeExceptionally)
                .start();
        try {
            String text = done.get();
            return new Answer(text, first[0] == 0 ? null : (first[0] - start) / 1e6);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }

    /** An answer and, when streamed, milliseconds to its first token. */
    public record Answer(String text, Double firstTokenMs) {
    }

    /** Tokens billed and saved so far, with their cost. */
    public CacheAccounting.Snapshot accounting() {
        return accounting.snapshot();
    }

    /** The caching model under the agent: reporting wrong answers, the store. */
    public io.promptcache.AbstractCachingModel cachingModel() {
        return model;
    }

    public CacheMetrics metrics() {
        return metrics;
    }

    public boolean offline() {
        return simulator != null;
    }

    public boolean streaming() {
        return streamingAssistant != null;
    }

    @Override
    public void close() {
        if (simulator != null) {
            simulator.close();
        }
    }
}
