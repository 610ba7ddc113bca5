package io.promptcache.testing;

import io.promptcache.redis.RedisConfig;
import org.junit.jupiter.api.Assumptions;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The Redis the tests use: {@code REDIS_URL} if set, else 127.0.0.1:6379, else a {@code redis-server}
 * started on a free port from the embedded-redis artifact. Never skips: if none of them can be had
 * the test fails and says why. Each test gets its own key prefix and removes its keys afterwards.
 */
public final class TestRedis {

    private static String url;
    private static RedisProcess fallback;

    private TestRedis() {
    }

    public static synchronized String url() {
        if (url != null) {
            return url;
        }
        String env = System.getenv("REDIS_URL");
        for (String candidate : env == null || env.isBlank() ? List.of("redis://127.0.0.1:6379") : List.of(env)) {
            if (answers(candidate)) {
                return url = candidate;
            }
        }
        try {
            fallback = RedisProcess.start();
            Runtime.getRuntime().addShutdownHook(new Thread(fallback::stop));
            return url = fallback.url();
        } catch (IOException e) {
            throw new IllegalStateException("no Redis for the tests: REDIS_URL and 127.0.0.1:6379 do not answer "
                    + "and the embedded redis-server could not start: " + e.getMessage(), e);
        }
    }

    private static boolean answers(String candidate) {
        try (UnifiedJedis j = RedisConfig.builder().url(candidate).connectTimeout(Duration.ofMillis(300)).build().connect()) {
            return "PONG".equals(j.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Why a SERVER-mode test is skipped on a machine without a Query Engine; README says how to start one. */
    public static final String NO_QUERY_ENGINE = "REDIS_QUERY_ENGINE_URL is not set "
            + "(a Redis with the Query Engine: Redis 8, Redis Stack, or the test tool beside the repository; see README)";

    /**
     * The Redis with the Query Engine ({@code REDIS_QUERY_ENGINE_URL}) for the SERVER-mode tests. Without one the
     * test is aborted by a JUnit assumption, so Surefire counts it as skipped, after printing that {@code test} was
     * skipped and why: it is a test tool, not on a user's machine.
     */
    public static String queryEngineOrSkip(String test) {
        String url = System.getenv("REDIS_QUERY_ENGINE_URL");
        boolean present = url != null && !url.isBlank();
        if (!present) {
            System.out.println(test + " skipped: " + NO_QUERY_ENGINE);
        }
        Assumptions.assumeTrue(present, NO_QUERY_ENGINE);
        return url;
    }

    /** A fresh key prefix, unique to one test. */
    public static String prefix() {
        return "pct" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    public static RedisConfig config(String prefix) {
        return RedisConfig.builder().url(url()).keyPrefix(prefix).build();
    }

    /** Deletes every key under {@code prefix} (SCAN, never KEYS). */
    public static void clean(UnifiedJedis jedis, String prefix) {
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams params = new ScanParams().match(prefix + ":*").count(1000);
        do {
            ScanResult<String> page = jedis.scan(cursor, params);
            for (String key : page.getResult()) {
                jedis.del(key);
            }
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
    }

    /** How many keys the test Redis holds under {@code prefix} (SCAN, never KEYS). */
    public static long keysUnder(String prefix) {
        long found = 0;
        try (UnifiedJedis jedis = config("probe").connect()) {
            String cursor = ScanParams.SCAN_POINTER_START;
            ScanParams params = new ScanParams().match(prefix + ":*").count(1000);
            do {
                ScanResult<String> page = jedis.scan(cursor, params);
                found += page.getResult().size();
                cursor = page.getCursor();
            } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        }
        return found;
    }
}
