package com.example.agent;

import com.example.webkit.RedisScan;
import com.example.webkit.WebChecks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code promptcache.spring-ai.mode=advisor}: no model is wrapped, the cache is the ChatClient's advisor. The same
 * tour as the wrapped model, and a tenant named in the advisor context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "promptcache.spring-ai.mode=advisor")
class AdvisorModeTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        AgentTestSupport.properties(registry, AgentTestSupport.redisUrl());
    }

    @Autowired
    Environment environment;

    @Autowired
    org.springframework.ai.chat.model.ChatModel model;

    /** Removes this test's keys (SCAN, never KEYS). */
    @AfterEach
    void clean() {
        RedisScan.deleteAll(AgentTestSupport.redisUrl(), environment.getRequiredProperty("promptcache.store.key-prefix"));
    }

    @Test
    void theAdvisorCachesTheClientAndLeavesTheModelAlone() throws Exception {
        assertTrue(model.getClass().getName().startsWith("org.springframework.ai."), "not wrapped: " + model.getClass());
        WebChecks web = new WebChecks(environment.getRequiredProperty("local.server.port", Integer.class));
        web.tour();
        WebChecks.Answer read = web.send("GET", "/actuator/promptcache", null);
        assertTrue(read.text().contains("promptCacheAdvisor"), read.text());
    }

    @Test
    void aTenantInTheAdvisorContextIsTheCallsTenant() throws Exception {
        WebChecks web = new WebChecks(environment.getRequiredProperty("local.server.port", Integer.class));
        web.awaitWarm();
        List<String> sources = new ArrayList<>();
        for (String tenant : List.of("initech", "initech", "umbrella")) {
            // the header names another tenant: the advisor context wins
            WebChecks.Answer a = web.send("GET", "/ask?tenant=" + tenant + "&q="
                    + URLEncoder.encode("什么是知识图谱？", StandardCharsets.UTF_8), "header-tenant");
            assertEquals(200, a.status(), a.text());
            sources.add(a.body().get("source").asText());
        }
        assertEquals(List.of("llm", "exact", "llm"), sources);
        assertEquals("llm", web.ask("header-tenant", "什么是知识图谱？"), "the header's tenant has nothing yet");
    }
}
