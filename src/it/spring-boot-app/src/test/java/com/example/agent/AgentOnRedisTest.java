package com.example.agent;

import io.promptcache.deepseek.DeepSeekSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The same application on Redis, with the Jedis version Spring Boot's dependency management picks (6.0). */
@SpringBootTest
class AgentOnRedisTest {

    static final DeepSeekSimulator SIMULATOR = DeepSeekSimulator.builder().start();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        String redis = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
        registry.add("langchain4j.open-ai.chat-model.base-url", SIMULATOR::baseUrl);
        registry.add("promptcache.store.url", () -> redis);
        registry.add("promptcache.store.key-prefix", () -> "pcit" + UUID.randomUUID().toString().substring(0, 8));
    }

    @Autowired
    Assistant assistant;

    @AfterAll
    static void stop() {
        SIMULATOR.close();
    }

    @Test
    void repeatsAndParaphrasesAreServedFromRedis() throws InterruptedException {
        assertEquals(List.of("llm", "exact", "semantic"),
                Sources.of(assistant, List.of("什么是大模型？", "什么是大模型？", "大模型是什么？")));
    }
}
