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

/** The same on Redis, with the Jedis version the Spring Boot parent's dependency management picks. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AgentOnRedisTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        AgentTestSupport.properties(registry, AgentTestSupport.redisUrl());
    }

    @Autowired
    Environment environment;

    @Test
    void theWholeTourOverHttp() throws Exception {
        new WebChecks(environment.getRequiredProperty("local.server.port", Integer.class)).tour();
    }

    /** Removes this test's keys (SCAN, never KEYS). */
    @AfterEach
    void clean() {
        RedisScan.deleteAll(AgentTestSupport.redisUrl(), environment.getRequiredProperty("promptcache.store.key-prefix"));
    }
}
