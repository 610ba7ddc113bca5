package io.promptcache.redis;

import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.util.List;
import java.util.function.Consumer;

/** SCAN over every node (every master of a cluster) for entry keys; never KEYS. */
final class EntryScanner {

    private EntryScanner() {
    }

    static void scan(UnifiedJedis jedis, RedisKeys keys, Consumer<List<String>> batches) {
        ScanParams params = new ScanParams().match(keys.entryPrefix() + "*").count(1000);
        if (jedis instanceof JedisCluster cluster) {
            for (ConnectionPool pool : cluster.getClusterNodes().values()) {
                try (Connection c = pool.getResource()) {
                    Jedis node = new Jedis(c);
                    if (node.info("replication").contains("role:slave")) {
                        continue;
                    }
                    scanNode(node::scan, params, batches);
                }
            }
            return;
        }
        scanNode(jedis::scan, params, batches);
    }

    /**
     * SCAN for the keys matching a pattern that carries a hash tag: one slot, so on a cluster Jedis sends it to
     * the node that holds the slot.
     */
    static void scanSlot(UnifiedJedis jedis, String pattern, Consumer<List<String>> batches) {
        scanNode(jedis::scan, new ScanParams().match(pattern).count(1000), batches);
    }

    private interface Scan {
        ScanResult<String> page(String cursor, ScanParams params);
    }

    private static void scanNode(Scan scan, ScanParams params, Consumer<List<String>> batches) {
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = scan.page(cursor, params);
            if (!page.getResult().isEmpty()) {
                batches.accept(page.getResult());
            }
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
    }
}
