package com.example.agent;

import com.example.webkit.WebChecks;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Redis down from the start: the application starts, answers, and its admin surface says why it cannot cache. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AgentWithRedisDownTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        AgentTestSupport.properties(registry, AgentTestSupport.deadRedisUrl());
    }

    @Autowired
    Environment environment;

    @Test
    void everyOperationAnswersAndNothingFails() throws Exception {
        new WebChecks(environment.getRequiredProperty("local.server.port", Integer.class)).outage();
    }
}
