package io.promptcache.redis;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.promptcache.redis.RedisKeys.bytes;

/**
 * One SCAN of the entries at start-up for the LOCAL indexes of several vector spaces under one prefix: each
 * entry's hash is read once, with every space's vector field, and each index takes its rows. Without it every
 * space scanned the whole prefix on its own (twice for the in-process default's two models). Each space takes
 * its rows once; a later reload (after Redis was away) scans for that space alone.
 */
final class StartupScan {

    /** What one space loads: the rows of the entries that hold its vector, and the stream position before the scan. */
    record Load(List<Row> rows, String lastEventId) {
    }

    /** One entry's fields as an index loads them. */
    record Row(String entryKey, byte[] vector, byte[] scope, byte[] question, byte[] metadata) {
    }

    private final UnifiedJedis jedis;
    private final List<RedisKeys> spaces;
    private Map<String, Load> loads;

    StartupScan(UnifiedJedis jedis, List<RedisKeys> spaces) {
        this.jedis = jedis;
        this.spaces = List.copyOf(spaces);
    }

    /** The rows of {@code space}, scanning for every space on the first call; empty once taken (or for another space). */
    synchronized Optional<Load> take(RedisKeys space) {
        if (loads == null) {
            loads = scan();
        }
        return Optional.ofNullable(loads.remove(key(space)));
    }

    private static String key(RedisKeys space) {
        return space.spaceName() == null ? "" : space.spaceName();
    }

    private Map<String, Load> scan() {
        // Stream positions first: events written during the scan are applied after it, as in a single reload.
        Map<String, String> from = new HashMap<>();
        Map<String, List<Row>> rows = new HashMap<>();
        for (RedisKeys space : spaces) {
            List<StreamEntry> last = jedis.xrevrange(space.events(), "+", "-", 1);
            from.put(key(space), last.isEmpty() ? "0-0" : last.get(0).getID().toString());
            rows.put(key(space), new ArrayList<>());
        }
        byte[][] fields = new byte[spaces.size() + 3][];
        fields[0] = bytes(RedisCacheStore.S);
        fields[1] = bytes(RedisCacheStore.Q);
        fields[2] = bytes(RedisEmbeddingStore.M);
        for (int i = 0; i < spaces.size(); i++) {
            fields[3 + i] = bytes(spaces.get(i).vectorField());
        }
        EntryScanner.scan(jedis, spaces.get(0), batch -> {
            List<Response<List<byte[]>>> replies = new ArrayList<>(batch.size());
            try (AbstractPipeline p = Pipelines.open(jedis)) {
                for (String k : batch) {
                    replies.add(p.hmget(bytes(k), fields));
                }
                p.sync();
            }
            for (int i = 0; i < batch.size(); i++) {
                List<byte[]> r = replies.get(i).get();
                if (r == null) {
                    continue;
                }
                for (int s = 0; s < spaces.size(); s++) {
                    if (r.get(3 + s) != null) {
                        rows.get(key(spaces.get(s))).add(new Row(batch.get(i), r.get(3 + s), r.get(0), r.get(1), r.get(2)));
                    }
                }
            }
        });
        Map<String, Load> out = new HashMap<>();
        for (RedisKeys space : spaces) {
            out.put(key(space), new Load(rows.get(key(space)), from.get(key(space))));
        }
        return out;
    }
}
