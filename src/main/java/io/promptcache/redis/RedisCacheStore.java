package io.promptcache.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.promptcache.key.CanonicalJson;
import io.promptcache.store.CacheEntry;
import io.promptcache.store.CacheStore;
import io.promptcache.store.EntryPage;
import io.promptcache.store.NearMiss;
import io.promptcache.store.RemovalCause;
import io.promptcache.store.StoreStats;
import io.promptcache.store.StoredResponse;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.promptcache.redis.RedisKeys.bytes;

/**
 * Cache entries in Redis, one HASH each (see {@link RedisKeys} for the layout). An exact hit is one
 * round trip: a small Lua script reads the entry and, atomically, counts the hit and refreshes the
 * LRU index. A put writes the entry, sets its TTL with {@code PEXPIRE} and evicts the tenant's least
 * recently used entries beyond the maximum, all in one script, so no tenant ever holds more than
 * its maximum, even with many writers. Listing uses {@code ZSCAN} over the tenant's LRU index; there
 * is no {@code KEYS} anywhere.
 */
public final class RedisCacheStore implements CacheStore {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RedisCacheStore.class);

    /** Fields of an entry HASH. */
    static final String Q = "q";
    static final String A = "a";
    static final String V = "v";
    static final String S = "s";
    static final String TT = "tt";
    static final String TN = "tn";
    static final String C = "c";
    static final String LA = "la";
    static final String H = "h";
    static final String X = "x";

    private static final com.fasterxml.jackson.databind.ObjectReader ANSWER_READER =
            CanonicalJson.mapper().readerFor(StoredResponse.class);

    private static final List<byte[]> READ_FIELDS = List.of(bytes(Q), bytes(A), bytes(S), bytes(TN), bytes(C),
            bytes(LA), bytes(H), bytes(X));

    private static final byte[][] READ_FIELD_ARRAY = READ_FIELDS.toArray(byte[][]::new);

    private static final LuaScript TOUCH = new LuaScript("""
            -- KEYS: entry, lru   ARGV: last access, id, hits to add
            if redis.call('EXISTS', KEYS[1]) == 0 then
              redis.call('ZREM', KEYS[2], ARGV[2])
              return 0
            end
            redis.call('HINCRBY', KEYS[1], 'h', ARGV[3])
            redis.call('HSET', KEYS[1], 'la', ARGV[1])
            redis.call('ZADD', KEYS[2], 'XX', ARGV[1], ARGV[2])
            return 1
            """);

    private static final LuaScript PUT = new LuaScript("""
            -- KEYS: entry, lru, exp   ARGV: now, ttl ms (0 = none), max entries, id, entry key prefix,
            --   canonical-turn key prefix, turn-reference key prefix, field, value ...
            local now = tonumber(ARGV[1])
            local ttl = tonumber(ARGV[2])
            local max = tonumber(ARGV[3])
            local id = ARGV[4]
            -- entries Redis has expired leave the LRU index first, so they do not count against the maximum
            local gone = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)
            for _, e in ipairs(gone) do
              redis.call('ZREM', KEYS[2], e)
              redis.call('ZREM', KEYS[3], e)
            end
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], unpack(ARGV, 8))
            redis.call('ZADD', KEYS[2], now, id)
            if ttl > 0 then
              redis.call('PEXPIRE', KEYS[1], ttl)
              redis.call('ZADD', KEYS[3], now + ttl, id)
            else
              redis.call('ZREM', KEYS[3], id)
            end
            local evicted = {}
            local over = redis.call('ZCARD', KEYS[2]) - max
            if over > 0 then
              local victims = redis.call('ZRANGE', KEYS[2], 0, over - 1)
              for _, v in ipairs(victims) do
                redis.call('DEL', ARGV[5] .. v)
                -- what refers to the entry goes with it: the canonical turns that name its question
                for _, t in ipairs(redis.call('SMEMBERS', ARGV[7] .. v)) do
                  redis.call('DEL', ARGV[6] .. t)
                end
                redis.call('DEL', ARGV[7] .. v)
                redis.call('ZREM', KEYS[2], v)
                redis.call('ZREM', KEYS[3], v)
                table.insert(evicted, v)
              end
            end
            if ttl > 0 then
              -- the indexes outlive every entry they list, and go when the last one has
              redis.call('PEXPIRE', KEYS[2], ttl)
              redis.call('PEXPIRE', KEYS[3], ttl)
            else
              redis.call('PERSIST', KEYS[2])
            end
            return evicted
            """);

    private static final LuaScript REGISTER = new LuaScript("""
            -- KEYS: tenant registry   ARGV: tag, tenant id, ttl ms (0 = none)
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            local ttl = tonumber(ARGV[3])
            if ttl == 0 then
              redis.call('PERSIST', KEYS[1])
            elseif redis.call('PTTL', KEYS[1]) < ttl then
              -- the registry lives as long as the longest-lived entry it names
              redis.call('PEXPIRE', KEYS[1], ttl)
            end
            return 1
            """);

    private static final LuaScript REMOVE = new LuaScript("""
            -- KEYS: entry, lru, exp, turn references   ARGV: id, canonical-turn key prefix
            redis.call('ZREM', KEYS[2], ARGV[1])
            redis.call('ZREM', KEYS[3], ARGV[1])
            for _, t in ipairs(redis.call('SMEMBERS', KEYS[4])) do
              redis.call('DEL', ARGV[2] .. t)
            end
            redis.call('DEL', KEYS[4])
            return redis.call('DEL', KEYS[1])
            """);

    private static final LuaScript RECORD_TURN = new LuaScript("""
            -- KEYS: turn, turn references, entry   ARGV: canonical question, ttl ms (0 = none), turn key
            if redis.call('EXISTS', KEYS[3]) == 0 then
              return 0 -- the entry went meanwhile: nothing may name it
            end
            local ttl = tonumber(ARGV[2])
            redis.call('SADD', KEYS[2], ARGV[3])
            if ttl > 0 then
              redis.call('PSETEX', KEYS[1], ttl, ARGV[1])
              if redis.call('PTTL', KEYS[2]) < ttl then
                redis.call('PEXPIRE', KEYS[2], ttl) -- outlives every record it lists
              end
            else
              redis.call('SET', KEYS[1], ARGV[1])
              redis.call('PERSIST', KEYS[2])
            end
            return 1
            """);

    private static final LuaScript EXTEND = new LuaScript("""
            -- KEYS: entry, lru, exp   ARGV: expires at (ms), id
            if redis.call('EXISTS', KEYS[1]) == 0 then
              return 0
            end
            local at = tonumber(ARGV[1])
            redis.call('PEXPIREAT', KEYS[1], at)
            redis.call('HSET', KEYS[1], 'x', ARGV[1])
            redis.call('ZADD', KEYS[3], 'XX', at, ARGV[2])
            -- the indexes outlive every entry they list
            for i = 2, 3 do
              local left = redis.call('PTTL', KEYS[i])
              if left >= 0 then
                redis.call('PEXPIREAT', KEYS[i], math.max(at, redis.call('TIME')[1] * 1000 + left))
              end
            end
            return 1
            """);

    private static final LuaScript CLEAN = new LuaScript("""
            -- KEYS: lru, exp   ARGV: now
            local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
            for _, e in ipairs(gone) do
              redis.call('ZREM', KEYS[1], e)
              redis.call('ZREM', KEYS[2], e)
            end
            return redis.call('ZCARD', KEYS[1])
            """);

    /** Round trips that hits share under load unless {@link Builder#hitRoundTrips} says otherwise. */
    public static final int DEFAULT_HIT_ROUND_TRIPS = 2;

    private final UnifiedJedis jedis;
    private final RedisKeys keys;
    private final int maxEntriesPerTenant;
    private final Clock clock;
    private final boolean ownsClient;
    private final List<RemovalListener> listeners = new CopyOnWriteArrayList<>();
    private final HitRecorder hits;
    private final RedisCalibrationStore calibration;
    private final DecodedAnswers decodedAnswers = new DecodedAnswers();
    private final ReadBatcher reads;

    private RedisCacheStore(Builder b) {
        this.jedis = b.jedis;
        this.calibration = new RedisCalibrationStore(b.jedis, new RedisKeys(b.keyPrefix));
        this.keys = new RedisKeys(b.keyPrefix);
        this.maxEntriesPerTenant = b.maxEntriesPerTenant;
        this.clock = b.clock;
        this.ownsClient = b.ownsClient;
        this.hits = new HitRecorder(this::writeHits, b.hitFlushInterval);
        this.reads = new ReadBatcher(b.jedis, READ_FIELD_ARRAY, b.hitRoundTrips);
    }

    private void writeHits(List<HitRecorder.Touch> touches) {
        List<Response<Object>> replies = new ArrayList<>(touches.size());
        try (AbstractPipeline p = Pipelines.open(jedis)) {
            for (HitRecorder.Touch t : touches) {
                replies.add(p.evalsha(TOUCH.sha(), touchKeys(t), touchArgs(t)));
            }
            p.sync();
        }
        for (int i = 0; i < replies.size(); i++) {
            try {
                replies.get(i).get();
            } catch (redis.clients.jedis.exceptions.JedisNoScriptException e) {
                // First use on this node: EVAL loads the script, later batches find it.
                HitRecorder.Touch t = touches.get(i);
                TOUCH.run(jedis, touchKeys(t), touchArgs(t));
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public RedisKeys keys() {
        return keys;
    }

    @Override
    public RedisCalibrationStore calibrationStore() {
        return calibration;
    }

    public UnifiedJedis client() {
        return jedis;
    }

    /**
     * One round trip: the entry is read with {@code HMGET}; its hit count, last access and LRU position
     * are updated by {@link HitRecorder} in the background, pipelined in batches, each entry's update
     * one atomic script. The caller waits for the read only. Reads that arrive together share their
     * round trip ({@link ReadBatcher}).
     */
    @Override
    public Optional<CacheEntry> hit(String tenant, String entryId) {
        String tag = RedisKeys.tenantTag(tenant);
        return served(tenant, entryId, reads.read(bytes(keys.entry(tag, entryId))));
    }

    /** An entry read to be served: decoded and its hit recorded; a corrupt one is a miss, and goes. */
    private Optional<CacheEntry> served(String tenant, String entryId, List<byte[]> values) {
        Optional<CacheEntry> entry;
        try {
            entry = decode(entryId, tenant, values);
        } catch (IllegalStateException corrupt) {
            // Data, not an outage: the entry is a miss, and goes, so the next answer replaces it.
            LOG.warn("PromptCache: removed a cache entry that could not be read ({})", corrupt.getCause() == null
                    ? corrupt.getClass().getSimpleName() : corrupt.getCause().getClass().getSimpleName());
            remove(tenant, entryId);
            return Optional.empty();
        }
        long now = clock.millis();
        entry.ifPresent(e -> hits.record(RedisKeys.tenantTag(tenant), entryId, now));
        return entry.map(e -> e.touched(now));
    }

    /** Writes the hits recorded so far (the stats and listing commands call it first). */
    public void flushHits() {
        hits.flush();
    }

    @Override
    public Optional<CacheEntry> peek(String tenant, String entryId) {
        hits.flush();
        String tag = RedisKeys.tenantTag(tenant);
        List<byte[]> values = jedis.hmget(bytes(keys.entry(tag, entryId)), READ_FIELD_ARRAY);
        return decode(entryId, tenant, values);
    }

    private Optional<CacheEntry> decode(String id, String tenant, List<?> values) {
        if (values == null || values.size() < READ_FIELDS.size() || values.get(1) == null) {
            return Optional.empty();
        }
        try {
            Object answer = values.get(1);
            StoredResponse response = answer instanceof byte[] b ? decodedAnswers.decode(tenant, id, b)
                    : ANSWER_READER.readValue(str(answer));
            return Optional.of(new CacheEntry(id, tenant, str(values.get(2)), str(values.get(0)), response, null,
                    num(values.get(4)), num(values.get(5)), num(values.get(6)), num(values.get(7))));
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalStateException("cache entry " + id + " cannot be read: " + e.getClass().getSimpleName(), e);
        }
    }

    private static String str(Object o) {
        return o == null ? null : o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : o.toString();
    }

    private static long num(Object o) {
        String s = str(o);
        return s == null || s.isEmpty() ? 0 : Long.parseLong(s);
    }

    @Override
    public void put(CacheEntry entry, Duration ttl) {
        hits.flush(); // eviction below must see this JVM's latest hits
        String tag = RedisKeys.tenantTag(entry.tenant());
        long now = clock.millis();
        long ttlMs = ttl == null || ttl.isNegative() ? 0 : ttl.toMillis();
        String answer;
        try {
            answer = CanonicalJson.mapper().writeValueAsString(entry.response());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("response cannot be written as JSON", e);
        }
        List<byte[]> args = new ArrayList<>();
        args.add(bytes(Long.toString(now)));
        args.add(bytes(Long.toString(ttlMs)));
        args.add(bytes(Integer.toString(maxEntriesPerTenant)));
        args.add(bytes(entry.id()));
        args.add(bytes(keys.entryKeyPrefix(tag)));
        args.add(bytes(keys.canonicalTurnPrefix(tag)));
        args.add(bytes(keys.canonicalTurnRefsPrefix(tag)));
        field(args, A, bytes(answer));
        field(args, S, bytes(entry.scopeKey()));
        field(args, TT, bytes(tag));
        field(args, TN, bytes(entry.tenant()));
        field(args, C, bytes(Long.toString(entry.createdAt())));
        field(args, LA, bytes(Long.toString(now)));
        field(args, H, bytes(Long.toString(entry.hitCount())));
        field(args, X, bytes(Long.toString(ttlMs > 0 ? now + ttlMs : 0)));
        if (entry.question() != null) {
            field(args, Q, bytes(entry.question()));
        }
        if (entry.embedding() != null) {
            field(args, V, Vectors.toBytes(entry.embedding()));
        }
        Object evicted = PUT.run(jedis, List.of(bytes(keys.entry(tag, entry.id())), bytes(keys.lru(tag)),
                bytes(keys.exp(tag))), args);
        REGISTER.run(jedis, List.of(bytes(keys.tenants())),
                List.of(bytes(tag), bytes(entry.tenant()), bytes(Long.toString(ttlMs))));
        if (evicted instanceof List<?> ids) {
            for (Object id : ids) {
                notifyRemoval(entry.tenant(), str(id), RemovalCause.EVICTED);
            }
        }
    }

    private List<byte[]> touchKeys(HitRecorder.Touch t) {
        return List.of(bytes(keys.entry(t.tag(), t.id())), bytes(keys.lru(t.tag())));
    }

    private static List<byte[]> touchArgs(HitRecorder.Touch t) {
        return List.of(bytes(Long.toString(t.lastAccess())), bytes(t.id()), bytes(Integer.toString(t.count())));
    }

    private static void field(List<byte[]> args, String name, byte[] value) {
        args.add(bytes(name));
        args.add(value);
    }

    @Override
    public boolean remove(String tenant, String entryId) {
        String tag = RedisKeys.tenantTag(tenant);
        Object n = REMOVE.run(jedis, List.of(bytes(keys.entry(tag, entryId)), bytes(keys.lru(tag)), bytes(keys.exp(tag)),
                bytes(keys.canonicalTurnRefs(tag, entryId))), List.of(bytes(entryId), bytes(keys.canonicalTurnPrefix(tag))));
        boolean removed = n instanceof Long l && l > 0;
        if (removed) {
            notifyRemoval(tenant, entryId, RemovalCause.EXPLICIT);
        }
        return removed;
    }

    @Override
    public void recordNearMiss(String tenant, String question, String cachedQuestion) {
        String tag = RedisKeys.tenantTag(tenant);
        NearMiss miss = new NearMiss(question, cachedQuestion, clock.millis());
        try {
            jedis.hset(keys.nearMisses(tag), NearMiss.pairKey(question, cachedQuestion),
                    CanonicalJson.mapper().writeValueAsString(miss));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("near miss cannot be written as JSON", e);
        }
        REGISTER.run(jedis, List.of(bytes(keys.tenants())), List.of(bytes(tag), bytes(tenant), bytes("0")));
    }

    /** Recorded only while the entry exists, and listed under it, so removing the entry removes the record. */
    @Override
    public void recordCanonicalTurn(String tenant, String turnKey, String canonicalQuestion, String entryId, Duration ttl) {
        String tag = RedisKeys.tenantTag(tenant);
        long ttlMs = ttl == null || ttl.isNegative() ? 0 : ttl.toMillis();
        RECORD_TURN.run(jedis, List.of(bytes(keys.canonicalTurn(tag, turnKey)), bytes(keys.canonicalTurnRefs(tag, entryId)),
                bytes(keys.entry(tag, entryId))), List.of(bytes(canonicalQuestion), bytes(Long.toString(ttlMs)), bytes(turnKey)));
    }

    @Override
    public void recordCanonicalTurn(String tenant, String turnKey, String canonicalQuestion, Duration ttl) {
        String key = keys.canonicalTurn(RedisKeys.tenantTag(tenant), turnKey);
        if (ttl == null || ttl.isZero() || ttl.isNegative()) {
            jedis.set(key, canonicalQuestion);
        } else {
            jedis.psetex(key, ttl.toMillis(), canonicalQuestion);
        }
    }

    @Override
    public List<String> canonicalTurns(String tenant, List<String> turnKeys) {
        if (turnKeys.isEmpty()) {
            return List.of();
        }
        return jedis.mget(turnKeys(RedisKeys.tenantTag(tenant), turnKeys));
    }

    private String[] turnKeys(String tag, List<String> turnKeys) {
        return turnKeys.stream().map(k -> keys.canonicalTurn(tag, k)).toArray(String[]::new);
    }

    @Override
    public ExactRead hitWithTurns(String tenant, String entryId, List<String> turnKeys) {
        if (turnKeys.isEmpty()) {
            return new ExactRead(hit(tenant, entryId), List.of());
        }
        String tag = RedisKeys.tenantTag(tenant);
        Response<List<byte[]>> values;
        Response<List<String>> canonical;
        try (AbstractPipeline p = Pipelines.open(jedis)) { // one slot: every key carries the tenant's tag
            values = p.hmget(bytes(keys.entry(tag, entryId)), READ_FIELD_ARRAY);
            canonical = p.mget(turnKeys(tag, turnKeys));
            p.sync();
        }
        return new ExactRead(served(tenant, entryId, values.get()), canonical.get());
    }

    @Override
    public CandidateRead readCandidate(String tenant, String entryId, String question, String cachedQuestion) {
        String tag = RedisKeys.tenantTag(tenant);
        Response<Boolean> vetoed;
        Response<List<byte[]>> values;
        try (AbstractPipeline p = Pipelines.open(jedis)) { // one slot: both keys carry the tenant's tag
            vetoed = p.hexists(keys.nearMisses(tag), NearMiss.pairKey(question, cachedQuestion));
            values = p.hmget(bytes(keys.entry(tag, entryId)), READ_FIELD_ARRAY);
            p.sync();
        }
        if (Boolean.TRUE.equals(vetoed.get())) {
            return new CandidateRead(Optional.empty(), true);
        }
        return new CandidateRead(served(tenant, entryId, values.get()), false);
    }

    @Override
    public boolean isNearMiss(String tenant, String question, String cachedQuestion) {
        return jedis.hexists(keys.nearMisses(RedisKeys.tenantTag(tenant)), NearMiss.pairKey(question, cachedQuestion));
    }

    @Override
    public List<NearMiss> nearMisses(String tenant, int limit) {
        List<NearMiss> out = new ArrayList<>();
        String key = keys.nearMisses(RedisKeys.tenantTag(tenant));
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<Map.Entry<String, String>> page = jedis.hscan(key, cursor, new ScanParams().count(500));
            for (Map.Entry<String, String> e : page.getResult()) {
                if (out.size() >= limit) {
                    return out;
                }
                try {
                    out.add(CanonicalJson.mapper().readValue(e.getValue(), NearMiss.class));
                } catch (JsonProcessingException | RuntimeException corrupt) {
                    LOG.warn("PromptCache: skipped a near-miss record that could not be read");
                }
            }
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        out.sort(java.util.Comparator.comparingLong(NearMiss::reportedAt));
        return out;
    }

    @Override
    public boolean extend(String tenant, String entryId, long expiresAtMillis) {
        String tag = RedisKeys.tenantTag(tenant);
        Object n = EXTEND.run(jedis, List.of(bytes(keys.entry(tag, entryId)), bytes(keys.lru(tag)), bytes(keys.exp(tag))),
                List.of(bytes(Long.toString(expiresAtMillis)), bytes(entryId)));
        return n instanceof Long l && l > 0;
    }

    /**
     * Forgets a tenant: every key that carries its tag (entries with their questions, answers, vectors and hit
     * counts; the LRU and expiry indexes; canonical-turn records and their references; reported near misses),
     * then its registry entry. Entries are found by their LRU index and by SCAN, so none is missed; the scans
     * match the tenant's hash tag, one slot on a cluster. Every LOCAL vector index is told of each removed entry.
     */
    @Override
    public long clearTenant(String tenant) {
        hits.flush();
        String tag = RedisKeys.tenantTag(tenant);
        java.util.Set<String> ids = new java.util.LinkedHashSet<>(ids(tag, Integer.MAX_VALUE));
        List<String> entryKeys = new ArrayList<>();
        ids.forEach(id -> entryKeys.add(keys.entry(tag, id)));
        List<String> otherKeys = new ArrayList<>(keys.tenantFixedKeys(tag));
        for (String pattern : keys.tenantKeyPatterns(tag)) {
            EntryScanner.scanSlot(jedis, pattern, batch -> {
                for (String key : batch) {
                    String[] entry = keys.parseEntry(key);
                    if (entry == null) {
                        otherKeys.add(key);
                    } else if (ids.add(entry[1])) {
                        entryKeys.add(key);
                    }
                }
            });
        }
        long removed = 0;
        for (int i = 0; i < entryKeys.size(); i += 500) {
            removed += jedis.del(entryKeys.subList(i, Math.min(entryKeys.size(), i + 500)).toArray(String[]::new));
        }
        for (int i = 0; i < otherKeys.size(); i += 500) {
            jedis.del(otherKeys.subList(i, Math.min(otherKeys.size(), i + 500)).toArray(String[]::new));
        }
        jedis.hdel(keys.tenants(), tag);
        RedisEmbeddingStore.announceRemovals(jedis, keys, tenant, ids);
        for (String id : ids) {
            notifyRemoval(tenant, id, RemovalCause.EXPLICIT);
        }
        for (RemovalListener l : listeners) {
            l.onTenantCleared(tenant);
        }
        RedisKeys.forget(tenant);
        return removed;
    }

    @Override
    public long clearScope(String tenant, String scopeKey) {
        hits.flush();
        String tag = RedisKeys.tenantTag(tenant);
        long removed = 0;
        List<String> ids = ids(tag, Integer.MAX_VALUE);
        for (int i = 0; i < ids.size(); i += 500) {
            List<String> batch = ids.subList(i, Math.min(ids.size(), i + 500));
            List<Response<String>> scopes = new ArrayList<>();
            try (AbstractPipeline p = Pipelines.open(jedis)) {
                for (String id : batch) {
                    scopes.add(p.hget(keys.entry(tag, id), S));
                }
                p.sync();
            }
            for (int k = 0; k < batch.size(); k++) {
                if (scopeKey.equals(scopes.get(k).get()) && remove(tenant, batch.get(k))) {
                    removed++;
                }
            }
        }
        return removed;
    }

    @Override
    public List<CacheEntry> list(String tenant, int limit) {
        hits.flush();
        String tag = RedisKeys.tenantTag(tenant);
        List<CacheEntry> out = new ArrayList<>();
        for (String id : ids(tag, limit)) {
            peek(tenant, id).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public EntryPage page(String tenant, String cursor, int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1, was " + pageSize);
        }
        hits.flush();
        String tag = RedisKeys.tenantTag(tenant);
        ScanResult<Tuple> scan = jedis.zscan(keys.lru(tag), cursor == null ? ScanParams.SCAN_POINTER_START : cursor,
                new ScanParams().count(pageSize));
        List<String> ids = scan.getResult().stream().map(Tuple::getElement).toList();
        List<Response<List<byte[]>>> rows = new ArrayList<>(ids.size());
        try (AbstractPipeline p = Pipelines.open(jedis)) {
            for (String id : ids) {
                rows.add(p.hmget(bytes(keys.entry(tag, id)), READ_FIELD_ARRAY));
            }
            p.sync();
        }
        List<CacheEntry> out = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            try {
                decode(ids.get(i), tenant, rows.get(i).get()).ifPresent(out::add);
            } catch (IllegalStateException corrupt) {
                LOG.warn("PromptCache: skipped a cache entry that could not be read while listing");
            }
        }
        String next = scan.getCursor();
        return new EntryPage(out, ScanParams.SCAN_POINTER_START.equals(next) ? null : next);
    }

    /** Entry ids of a tenant from its LRU index, with ZSCAN. */
    List<String> ids(String tag, int limit) {
        List<String> out = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams params = new ScanParams().count(500);
        do {
            ScanResult<Tuple> page = jedis.zscan(keys.lru(tag), cursor, params);
            for (Tuple t : page.getResult()) {
                if (out.size() >= limit) {
                    return out;
                }
                out.add(t.getElement());
            }
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        return out;
    }

    @Override
    public List<String> tenants() {
        return registered(this::hasEntries);
    }

    /** One HEXISTS: every tenant the store keeps anything about is in its registry. */
    @Override
    public boolean knows(String tenant) {
        return jedis.hexists(keys.tenants(), RedisKeys.tenantTag(tenant));
    }

    /** Every tenant in the registry: those with entries, and those with only reported near misses or turns left. */
    public List<String> registeredTenants() {
        return registered(tag -> true);
    }

    /** Tenants with reported near misses, whether or not they still hold entries. */
    public List<String> tenantsWithFeedback() {
        return registered(tag -> jedis.exists(keys.nearMisses(tag)));
    }

    private boolean hasEntries(String tag) {
        return jedis.exists(keys.lru(tag));
    }

    private List<String> registered(java.util.function.Predicate<String> byTag) {
        List<String> out = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<Map.Entry<String, String>> page = jedis.hscan(keys.tenants(), cursor, new ScanParams().count(500));
            for (Map.Entry<String, String> e : page.getResult()) {
                if (byTag.test(e.getKey())) {
                    out.add(e.getValue());
                }
            }
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        out.sort(null);
        return out;
    }

    @Override
    public StoreStats stats(String tenant) {
        hits.flush();
        String tag = RedisKeys.tenantTag(tenant);
        CLEAN.run(jedis, List.of(bytes(keys.lru(tag)), bytes(keys.exp(tag))), List.of(bytes(Long.toString(clock.millis()))));
        List<String> ids = ids(tag, Integer.MAX_VALUE);
        long entries = 0;
        long hits = 0;
        long memory = 0;
        for (int i = 0; i < ids.size(); i += 500) {
            List<String> batch = ids.subList(i, Math.min(ids.size(), i + 500));
            List<Response<String>> h = new ArrayList<>();
            List<Response<Long>> mem = new ArrayList<>();
            try (AbstractPipeline p = Pipelines.open(jedis)) {
                for (String id : batch) {
                    h.add(p.hget(keys.entry(tag, id), H));
                    mem.add(p.memoryUsage(keys.entry(tag, id)));
                }
                p.sync();
            }
            for (int k = 0; k < batch.size(); k++) {
                String hv = h.get(k).get();
                if (hv != null) {
                    entries++;
                    hits += Long.parseLong(hv);
                    Long m = mem.get(k).get();
                    memory += m == null ? 0 : m;
                }
            }
        }
        return new StoreStats(tenant, entries, hits, memory);
    }

    @Override
    public void addRemovalListener(RemovalListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    private void notifyRemoval(String tenant, String id, RemovalCause cause) {
        for (RemovalListener l : listeners) {
            l.onRemoval(tenant, id, cause);
        }
    }

    @Override
    public void close() {
        hits.close();
        if (ownsClient) {
            jedis.close();
        }
    }

    /** Builder of {@link RedisCacheStore}. */
    public static final class Builder {
        private UnifiedJedis jedis;
        private boolean ownsClient;
        private String keyPrefix = RedisConfig.DEFAULT_KEY_PREFIX;
        private int maxEntriesPerTenant = 10_000;
        private Clock clock = Clock.systemUTC();
        private Duration hitFlushInterval = Duration.ofSeconds(1);
        private int hitRoundTrips = DEFAULT_HIT_ROUND_TRIPS;

        /**
         * How hits share round trips under load (default {@value #DEFAULT_HIT_ROUND_TRIPS}). While at most twice
         * this many hits are in flight, each is a plain {@code HMGET} of its own; past that, at most this many
         * reads are on the wire and the hits that arrive meanwhile go together, pipelined, in the next one. More:
         * lower latency when Redis is far away; fewer: fewer round trips and less Redis CPU under load.
         */
        public Builder hitRoundTrips(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("hitRoundTrips must be at least 1, was " + n);
            }
            this.hitRoundTrips = n;
            return this;
        }

        /** How often recorded hits are written to Redis (hit counts, last access, LRU order). */
        public Builder hitFlushInterval(Duration interval) {
            Objects.requireNonNull(interval, "hitFlushInterval");
            if (interval.isZero() || interval.isNegative()) {
                throw new IllegalArgumentException("hitFlushInterval must be positive");
            }
            this.hitFlushInterval = interval;
            return this;
        }

        /** A client we share with the caller; the caller closes it. */
        public Builder client(UnifiedJedis jedis) {
            this.jedis = Objects.requireNonNull(jedis, "client");
            this.ownsClient = false;
            return this;
        }

        /** Connects with {@code config}; the store owns and closes that client. */
        public Builder config(RedisConfig config) {
            this.jedis = config.connect();
            this.ownsClient = true;
            this.keyPrefix = config.keyPrefix();
            return this;
        }

        public Builder keyPrefix(String prefix) {
            this.keyPrefix = RedisConfig.builder().keyPrefix(prefix).build().keyPrefix();
            return this;
        }

        public Builder maxEntriesPerTenant(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxEntriesPerTenant must be at least 1, was " + max);
            }
            this.maxEntriesPerTenant = max;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public RedisCacheStore build() {
            if (jedis == null) {
                throw new IllegalStateException("set client(...) or config(...)");
            }
            return new RedisCacheStore(this);
        }
    }

    /**
     * The decoded answers of recently read entries, each with the exact bytes it was decoded from. A hit still
     * reads the entry from Redis (one round trip: expiry, removal and refresh stay Redis's), but when the bytes are
     * the ones decoded before, the immutable answer is reused instead of parsed again: on a hot entry, parsing its
     * JSON costs more client time than the read. Bounded by the bytes it holds: 4 MB of answers (about three times
     * that with their decoded form), none above 8 KB; past the bound it starts again empty.
     */
    static final class DecodedAnswers {
        static final long MAX_TOTAL_BYTES = 4L * 1024 * 1024;
        static final int MAX_BYTES = 8 * 1024;

        private record Decoded(byte[] raw, StoredResponse response) {
        }

        private final java.util.concurrent.ConcurrentHashMap<String, Decoded> byEntry = new java.util.concurrent.ConcurrentHashMap<>();
        private final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();

        StoredResponse decode(String tenant, String id, byte[] raw) throws java.io.IOException {
            if (raw.length > MAX_BYTES) {
                return ANSWER_READER.readValue(raw);
            }
            String key = tenant + '\u0000' + id;
            Decoded d = byEntry.get(key);
            if (d != null && java.util.Arrays.equals(d.raw(), raw)) {
                return d.response();
            }
            StoredResponse response = ANSWER_READER.readValue(raw);
            if (bytes.addAndGet(raw.length + key.length()) > MAX_TOTAL_BYTES) {
                byEntry.clear(); // crude but bounded: a hot set refills in one read each
                bytes.set(raw.length + key.length());
            }
            byEntry.put(key, new Decoded(raw, response));
            return response;
        }
    }
}
