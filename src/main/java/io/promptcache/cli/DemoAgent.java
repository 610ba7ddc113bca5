package io.promptcache.cli;

import dev.langchain4j.memory.chat.ChatMemoryProvider;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.service.AiServices;
import io.promptcache.CachingChatModel;
import io.promptcache.deepseek.DeepSeek;
import io.promptcache.deepseek.DeepSeekSimulator;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Wires the demo: DeepSeek (or the offline simulator when there is no key), our caching decorator
 * around it, and the AiServices assistant with tools and chat memory per conversation.
 */
public final class DemoAgent implements AutoCloseable {

    private final DeepSeekSimulator simulator;
    private final CachingChatModel model;
    private final Assistant assistant;

    private DemoAgent(DeepSeekSimulator simulator, CachingChatModel model, Assistant assistant) {
        this.simulator = simulator;
        this.model = model;
        this.assistant = assistant;
    }

    /**
     * @param offline     use the simulator even when a key is set
     * @param env         environment (DEEPSEEK_API_KEY, DEEPSEEK_BASE_URL)
     * @param simulatorConfig the simulator to start when DeepSeek is not used
     * @param embedder    embedding model of the semantic tier
     * @param cacheConfig last chance to adjust the caching model's builder (store, TTL, threshold ...)
     */
    public static DemoAgent start(boolean offline, Map<String, String> env, DeepSeekSimulator.Builder simulatorConfig,
                                  EmbeddingModel embedder,
                                  java.util.function.Consumer<CachingChatModel.Builder> cacheConfig) {
        Optional<DeepSeek.Endpoint> real = offline ? Optional.empty() : DeepSeek.fromEnvironment(env);
        DeepSeekSimulator simulator = real.isPresent() ? null
                : simulatorConfig.start();
        try {
            DeepSeek.Endpoint endpoint = real.orElseGet(() -> DeepSeek.simulator(simulator));
            ChatModel deepSeek = DeepSeek.chatModel(endpoint);
            CachingChatModel.Builder builder = CachingChatModel.builder().delegate(deepSeek).embeddingModel(embedder);
            cacheConfig.accept(builder);
            CachingChatModel model = builder.build();
            return new DemoAgent(simulator, model, assistant(model));
        } catch (RuntimeException e) {
            if (simulator != null) {
                simulator.close();
            }
            throw e;
        }
    }

    static Assistant assistant(ChatModel model) {
        ChatMemoryProvider memory = id -> MessageWindowChatMemory.builder().id(id).maxMessages(40).build();
        return AiServices.builder(Assistant.class)
                .chatModel(model)
                .chatMemoryProvider(memory)
                .tools(new DemoTools(Clock.systemDefaultZone()))
                .build();
    }

    public Assistant assistant() {
        return assistant;
    }

    public CachingChatModel model() {
        return model;
    }

    public boolean offline() {
        return simulator != null;
    }

    @Override
    public void close() {
        if (simulator != null) {
            simulator.close();
        }
    }
}
