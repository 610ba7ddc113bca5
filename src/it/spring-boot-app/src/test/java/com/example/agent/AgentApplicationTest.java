package com.example.agent;

import io.micrometer.core.instrument.MeterRegistry;
import io.promptcache.deepseek.DeepSeekSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

@SpringBootTest
class AgentApplicationTest {

    // What `promptcache simulator --port 18787` serves, started here so the test needs nothing else.
    static final DeepSeekSimulator SIMULATOR = DeepSeekSimulator.builder().port(18787).start();

    @Autowired
    Assistant assistant;

    @Autowired
    MeterRegistry meters;

    @AfterAll
    static void stop() {
        SIMULATOR.close();
    }

    @Test
    void repeatsAndParaphrasesAreServedFromTheCache() throws InterruptedException {
        assertEquals(List.of("llm", "exact", "semantic"),
                Sources.of(assistant, List.of("什么是大模型？", "什么是大模型？", "大模型是什么？")));
        assertEquals(1, SIMULATOR.completionRequests());
        assertEquals(1.0, meters.get("promptcache.requests").tags("source", "exact").functionCounter().count());
        assertEquals(1.0, meters.get("promptcache.requests").tags("source", "semantic").functionCounter().count());
    }
}
