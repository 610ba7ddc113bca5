package com.example.webkit;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/** What a scan of the database finds under an application's key prefix: SCAN, never KEYS. */
public final class RedisScan {

    private RedisScan() {
    }

    /** Calls {@code visit} with every key under {@code prefix} and the text of every value in it. */
    public static void each(UnifiedJedis jedis, String prefix, BiConsumer<String, List<String>> visit) {
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = jedis.scan(cursor, new ScanParams().match(prefix + ":*").count(1000));
            for (String key : page.getResult()) {
                visit.accept(key, values(jedis, key));
            }
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
    }

    /** Deletes every key under {@code prefix}: a test's clean-up. */
    public static void deleteAll(String redisUrl, String prefix) {
        try (UnifiedJedis jedis = new UnifiedJedis(redisUrl)) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = jedis.scan(cursor, new ScanParams().match(prefix + ":*").count(1000));
                page.getResult().forEach(jedis::del);
                cursor = page.getCursor();
            } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        }
    }

    private static List<String> values(UnifiedJedis jedis, String key) {
        List<String> out = new ArrayList<>();
        byte[] raw = key.getBytes(StandardCharsets.UTF_8);
        switch (jedis.type(key)) {
            case "string" -> out.add(text(jedis.get(raw)));
            case "hash" -> jedis.hgetAll(raw).forEach((f, v) -> {
                out.add(text(f));
                out.add(text(v));
            });
            case "zset" -> out.addAll(jedis.zrange(key, 0, -1));
            case "set" -> out.addAll(jedis.smembers(key));
            case "list" -> out.addAll(jedis.lrange(key, 0, -1));
            case "stream" -> jedis.xrange(key, "-", "+", 100_000).forEach(e -> e.getFields().forEach((f, v) -> {
                out.add(f);
                out.add(v);
            }));
            default -> {
            }
        }
        return out;
    }

    private static String text(byte[] b) {
        return b == null ? "" : new String(b, StandardCharsets.UTF_8);
    }
}
