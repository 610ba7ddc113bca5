package io.promptcache.testing;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A SERVER-mode test without a Query Engine is reported as skipped by JUnit (an assumption), never as passed. */
class TestRedisTest {

    @Test
    void withoutAQueryEngineATestIsAbortedAsSkippedAndSaysWhy() {
        String url = System.getenv("REDIS_QUERY_ENGINE_URL");
        if (url == null || url.isBlank()) {
            TestAbortedException skipped = assertThrows(TestAbortedException.class, () -> TestRedis.queryEngineOrSkip("probe"));
            assertTrue(skipped.getMessage().contains("REDIS_QUERY_ENGINE_URL is not set"), skipped.getMessage());
        } else {
            assertEquals(url, TestRedis.queryEngineOrSkip("probe"));
        }
    }
}
