package com.example.agent;

import io.promptcache.deepseek.DeepSeekSimulator;
import org.springframework.test.context.DynamicPropertyRegistry;

import java.net.ServerSocket;
import java.util.UUID;

/** What the three web tests share: the DeepSeek simulator (what `promptcache simulator` serves) and the properties. */
final class AgentTestSupport {

    static final DeepSeekSimulator SIMULATOR = DeepSeekSimulator.builder().start();

    private AgentTestSupport() {
    }

    /** The model at the simulator, and the cache's store at {@code storeUrl} under a fresh key prefix. */
    static void properties(DynamicPropertyRegistry registry, String storeUrl) {
        // Boot 3.5's app configures the model through LangChain4j's starter, the Boot 4 app through its own properties,
        // the Spring AI app through Spring AI's OpenAI starter.
        registry.add("langchain4j.open-ai.chat-model.base-url", SIMULATOR::baseUrl);
        registry.add("agent.model.base-url", SIMULATOR::baseUrl);
        registry.add("spring.ai.openai.base-url", SIMULATOR::baseUrl); // the Spring AI app's model
        registry.add("promptcache.store.url", () -> storeUrl);
        // Spring Boot 3's test support turns metrics export off unless asked; the scrape is part of what is checked.
        registry.add("management.prometheus.metrics.export.enabled", () -> "true");
        // One prefix per application context (a supplier is asked again at every read, so it must not make a new one).
        String keyPrefix = "pcit" + UUID.randomUUID().toString().substring(0, 8);
        registry.add("promptcache.store.key-prefix", () -> keyPrefix);
    }

    static String redisUrl() {
        return System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
    }

    /** A port nothing listens on: Redis is down for the whole test. */
    static String deadRedisUrl() {
        try (ServerSocket s = new ServerSocket(0)) {
            return "redis://127.0.0.1:" + s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
