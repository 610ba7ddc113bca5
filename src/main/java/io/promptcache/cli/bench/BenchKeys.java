package io.promptcache.cli.bench;

import io.promptcache.cli.StatusLine;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.util.List;

/** A bench writes under a key prefix of its own and leaves nothing behind: every key under it, and its server indexes. */
final class BenchKeys {

    private BenchKeys() {
    }

    /** {@link #removeAll}, or a note saying what is left where Redis fails: a bench's result is not lost to its clean-up. */
    static void removeAllOrSay(UnifiedJedis jedis, String prefix, String where, StatusLine status) {
        try {
            removeAll(jedis, prefix);
        } catch (RuntimeException down) {
            status.note("promptcache: could not remove the bench's keys under " + prefix + ":* (" + where
                    + " failed); remove them when it is back");
        }
    }

    /** Removes every key under {@code prefix} (SCAN, never KEYS; one key at a time, so each may have its own cluster slot). */
    static void removeAll(UnifiedJedis jedis, String prefix) {
        for (String index : List.of(prefix + ":idx", prefix + ":idx:en")) {
            try {
                jedis.ftDropIndex(index);
            } catch (RuntimeException none) {
                // LOCAL mode, or a server without the Query Engine: there is no server index
            }
        }
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
}
