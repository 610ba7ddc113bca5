package io.promptcache.testing;

import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import io.promptcache.deepseek.DeepSeek;
import io.promptcache.deepseek.DeepSeekSimulator;

/** The real OpenAI client pointed at the offline DeepSeek simulator over HTTP. */
public final class SimulatedDeepSeek implements AutoCloseable {

    public final DeepSeekSimulator simulator;

    public SimulatedDeepSeek() {
        this(DeepSeekSimulator.builder());
    }

    public SimulatedDeepSeek(DeepSeekSimulator.Builder builder) {
        this.simulator = builder.start();
    }

    public OpenAiChatModel chatModel() {
        return DeepSeek.chatModel(DeepSeek.simulator(simulator));
    }

    public OpenAiChatModel chatModel(String modelName) {
        return DeepSeek.chatModel(DeepSeek.simulator(simulator).withModel(modelName));
    }

    public OpenAiStreamingChatModel streamingChatModel() {
        return DeepSeek.streamingChatModel(DeepSeek.simulator(simulator));
    }

    public int calls() {
        return simulator.completionRequests();
    }

    @Override
    public void close() {
        simulator.close();
    }
}
