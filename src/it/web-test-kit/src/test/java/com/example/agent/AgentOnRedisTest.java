package com.example.agent;

import com.example.webkit.WebChecks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

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
        String prefix = environment.getRequiredProperty("promptcache.store.key-prefix");
        try (UnifiedJedis jedis = new UnifiedJedis(AgentTestSupport.redisUrl())) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = jedis.scan(cursor, new ScanParams().match(prefix + ":*").count(1000));
                page.getResult().forEach(jedis::del);
                cursor = page.getCursor();
            } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        }
    }
}
