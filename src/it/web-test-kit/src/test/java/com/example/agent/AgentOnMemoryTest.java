package com.example.agent;

import com.example.webkit.WebChecks;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The application in its embedded servlet container, the cache in memory, checked over HTTP. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AgentOnMemoryTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        AgentTestSupport.properties(registry, "memory");
    }

    @Autowired
    Environment environment;

    @Test
    void theWholeTourOverHttp() throws Exception {
        new WebChecks(environment.getRequiredProperty("local.server.port", Integer.class)).tour();
    }
}
