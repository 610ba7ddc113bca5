package io.promptcache.redis;

import io.promptcache.calibration.CalibrationStore;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Self-calibration in Redis, shared by every instance on the same key prefix. Per vector space, in one cluster
 * slot (hash tag {@code {cal.<space>}}):
 *
 * <pre>
 * {prefix}:cal:{cal.S}:pairs  LIST   judged pairs, newest last, trimmed to the bound
 * {prefix}:cal:{cal.S}:state  STRING the state JSON
 * {prefix}:cal:{cal.S}:calls  STRING judge calls made by every instance
 * {prefix}:cal:spaces         SET    the spaces that have any of it (status and reset need no SCAN)
 * </pre>
 */
public final class RedisCalibrationStore implements CalibrationStore {

    private final UnifiedJedis jedis;
    private final String prefix;

    public RedisCalibrationStore(UnifiedJedis jedis, RedisKeys keys) {
        this.jedis = Objects.requireNonNull(jedis, "jedis");
        this.prefix = keys.prefix() + ":cal:";
    }

    private String key(String space, String part) {
        RedisKeys.checkSpaceName(space);
        return prefix + "{cal." + space + "}:" + part;
    }

    private String spacesKey() {
        return prefix + "spaces";
    }

    @Override
    public List<String> appendPair(String space, String pair, int max) {
        String key = key(space, "pairs");
        Response<List<String>> all;
        try (AbstractPipeline p = Pipelines.open(jedis)) { // one key: one slot
            p.rpush(key, pair);
            p.ltrim(key, -max, -1);
            all = p.lrange(key, 0, -1);
            p.sync();
        }
        jedis.sadd(spacesKey(), space);
        return all.get();
    }

    @Override
    public List<String> pairs(String space) {
        return jedis.lrange(key(space, "pairs"), 0, -1);
    }

    @Override
    public Optional<String> state(String space) {
        return Optional.ofNullable(jedis.get(key(space, "state")));
    }

    @Override
    public void saveState(String space, String stateJson) {
        jedis.set(key(space, "state"), stateJson);
        jedis.sadd(spacesKey(), space);
    }

    @Override
    public long addJudgeCalls(String space, long calls) {
        if (calls == 0) {
            String n = jedis.get(key(space, "calls")); // a read creates no key
            return n == null ? 0 : Long.parseLong(n);
        }
        return jedis.incrBy(key(space, "calls"), calls);
    }

    @Override
    public void keepNewest(String space, int n) {
        if (n <= 0) {
            jedis.del(key(space, "pairs"));
        } else {
            jedis.ltrim(key(space, "pairs"), -n, -1);
        }
    }

    @Override
    public void register(String space) {
        RedisKeys.checkSpaceName(space);
        jedis.sadd(spacesKey(), space);
    }

    @Override
    public void reset(String space) {
        jedis.del(key(space, "pairs"), key(space, "state"), key(space, "calls"));
        jedis.srem(spacesKey(), space);
    }

    @Override
    public Set<String> spaces() {
        return new TreeSet<>(jedis.smembers(spacesKey()));
    }
}
