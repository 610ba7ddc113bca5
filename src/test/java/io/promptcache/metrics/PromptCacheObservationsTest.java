package io.promptcache.metrics;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.promptcache.CacheScope;
import io.promptcache.CachingChatModel;
import io.promptcache.CachingStreamingChatModel;
import io.promptcache.deepseek.DeepSeekSimulator;
import io.promptcache.testing.CollectingHandler;
import io.promptcache.testing.SimulatedDeepSeek;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every call is an observation tagged with where its answer came from; the model's call runs inside its scope. */
class PromptCacheObservationsTest {

    final MeterRegistry meters = new SimpleMeterRegistry();
    final ObservationRegistry observations = ObservationRegistry.create();
    final List<Observation> seenInsideModel = new CopyOnWriteArrayList<>();
    SimulatedDeepSeek deepSeek = new SimulatedDeepSeek(DeepSeekSimulator.builder()
            .faults(q -> q.contains("故障") ? DeepSeekSimulator.Fault.SERVER_ERROR : DeepSeekSimulator.Fault.NONE));

    PromptCacheObservationsTest() {
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
    }

    @AfterEach
    void stop() {
        deepSeek.close();
    }

    long timerCount(String source) {
        return meters.get(PromptCacheObservations.NAME).tags("source", source).timer().count();
    }

    @Test
    void blockingCallsAreObservedWithTheirSource() {
        CachingChatModel model = CachingChatModel.builder()
                .delegate(new dev.langchain4j.model.chat.ChatModel() {
                    final dev.langchain4j.model.chat.ChatModel real = deepSeek.chatModel();

                    @Override
                    public dev.langchain4j.model.chat.response.ChatResponse doChat(ChatRequest request) {
                        seenInsideModel.add(observations.getCurrentObservation());
                        return real.chat(request);
                    }
                })
                .listener(PromptCacheObservations.listener(observations))
                .lookupTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10)).build();
        try (CacheScope ignored = CacheScope.open("t")) {
            model.chat(ChatRequest.builder().messages(UserMessage.from("什么是大模型？")).build());
            model.chat(ChatRequest.builder().messages(UserMessage.from("什么是大模型？")).build());
            model.chat(ChatRequest.builder().messages(UserMessage.from("大模型是什么？")).build());
            assertThrows(RuntimeException.class,
                    () -> model.chat(ChatRequest.builder().messages(UserMessage.from("模型故障")).build()));
        }
        assertEquals(1, timerCount("llm"));
        assertEquals(1, timerCount("exact"));
        assertEquals(1, timerCount("semantic"));
        assertEquals(1, timerCount("error"), "a model failure is observed, with its error");
        assertTrue(seenInsideModel.stream().allMatch(o -> o != null
                        && PromptCacheObservations.NAME.equals(o.getContext().getName())),
                "the model's own call runs inside the observation's scope");
        assertEquals(null, observations.getCurrentObservation(), "every scope was closed");
    }

    @Test
    void streamedCallsAreObservedWhenTheyEnd() throws Exception {
        CachingStreamingChatModel model = CachingStreamingChatModel.builder().delegate(deepSeek.streamingChatModel())
                .listener(PromptCacheObservations.listener(observations))
                .lookupTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10)).build();
        for (int i = 0; i < 2; i++) {
            CollectingHandler handler = new CollectingHandler();
            model.chat(ChatRequest.builder().messages(UserMessage.from("什么是大模型？")).build(), handler);
            handler.done.get(10, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (meters.find(PromptCacheObservations.NAME).tags("source", "llm").timer() == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(1, timerCount("llm"));
        assertEquals(1, timerCount("exact"));
        assertEquals(null, observations.getCurrentObservation());
    }
}
