package io.promptcache;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.promptcache.deepseek.DeepSeekSimulator;
import io.promptcache.testing.SimulatedDeepSeek;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SingleFlightTest {

    @Test
    void concurrentIdenticalMissesCallTheModelOnce() throws Exception {
        int callers = 8;
        // The model takes a while, so every caller arrives while the first call is in flight.
        try (SimulatedDeepSeek deepSeek = new SimulatedDeepSeek(
                DeepSeekSimulator.builder().timeToFirstToken(Duration.ofMillis(800)))) {
            CachingChatModel model = CachingChatModel.builder().delegate(deepSeek.chatModel())
                    .lookupTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10)).build();
            ChatRequest request = ChatRequest.builder()
                    .messages(SystemMessage.from("sys"), UserMessage.from("什么是大模型？")).build();
            ExecutorService pool = Executors.newFixedThreadPool(callers);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return model.chat(request).aiMessage().text();
                }));
            }
            go.countDown();
            Set<String> texts = new HashSet<>();
            for (Future<String> f : answers) {
                texts.add(f.get());
            }
            pool.shutdown();
            assertEquals(1, deepSeek.calls());
            assertEquals(1, texts.size());
            CacheMetrics.Snapshot m = model.metrics().snapshot();
            assertEquals(callers - 1, m.sharedFlights() + m.exactHits());
        }
    }

    @Test
    void aFailedFlightReleasesItsKey() {
        SingleFlight<String> flight = new SingleFlight<>();
        assertThrows(IllegalStateException.class, () -> flight.run("k", () -> {
            throw new IllegalStateException("model down");
        }));
        SingleFlight.Result<String> next = flight.run("k", () -> "answer");
        assertEquals("answer", next.value());
        assertEquals(false, next.shared());
        assertEquals(0, flight.inFlightCount());
    }
}
