package io.promptcache.redis;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.internal.Utils;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.RelevanceScore;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.langchain4j.store.embedding.filter.comparison.IsEqualTo;
import dev.langchain4j.store.embedding.filter.logical.And;
import io.promptcache.key.CanonicalJson;
import io.promptcache.semantic.SemanticIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.StreamEntry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.promptcache.redis.RedisKeys.bytes;

/**
 * A LangChain4j {@link EmbeddingStore} on the cache's own Redis HASH layout: the vector is the entry's
 * {@code v} field (binary little-endian float32), scope and tenant tag its {@code s} and {@code tt}
 * TAG fields. Ids are {@code <tenant tag>:<entry id>}, which names the entry key.
 *
 * <p>Two search modes, over the same keys, so switching needs no migration:
 * <ul>
 *   <li>{@link Mode#SERVER}: the server's Query Engine ({@code FT.*}: Redis 8, Redis Stack, Redis
 *       Cloud). An {@code FT} index {@code ON HASH} with an HNSW vector field and TAG fields; KNN queries
 *       carry the scope filter. Expired keys leave the index by themselves.</li>
 *   <li>{@link Mode#LOCAL}: plain Redis, Valkey, managed Redis without modules, Cluster. Each JVM keeps
 *       a {@link LocalVectorIndex}, loaded from Redis with {@code SCAN} at start and kept in step across
 *       JVMs by a Redis Stream of add and delete events. Every candidate is checked against Redis
 *       before it is returned, so an entry that expired, was evicted or deleted in any JVM is never
 *       returned.</li>
 * </ul>
 * {@link Mode#AUTO} asks the server for {@code FT._LIST} and picks.
 */
public final class RedisEmbeddingStore implements EmbeddingStore<TextSegment>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisEmbeddingStore.class);

    /** How searches run. */
    public enum Mode { AUTO, LOCAL, SERVER }

    private static final String M = "m";
    private static final String DEFAULT_TAG = "_";
    private static final int EVENT_STREAM_MAX = 100_000;

    private static final LuaScript ATTACH = new LuaScript("""
            -- KEYS: entry   ARGV: create (1/0), field, value ...
            if ARGV[1] == '0' and redis.call('EXISTS', KEYS[1]) == 0 then
              return 0
            end
            redis.call('HSET', KEYS[1], unpack(ARGV, 2))
            return 1
            """);

    private final UnifiedJedis jedis;
    private final boolean ownsClient;
    private final RedisKeys keys;
    private final int dimension;
    private final Mode mode;
    private final Duration eventPoll;
    private final Duration sweepInterval;
    private final Duration keyTtl;
    private final boolean attachOnly;
    private final String origin = UUID.randomUUID().toString();
    private final LocalVectorIndex local;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread syncThread;
    private volatile boolean loaded;
    private volatile String lastEventId = "0-0";
    private volatile String failure;

    private RedisEmbeddingStore(Builder b) {
        this.jedis = b.jedis;
        this.ownsClient = b.ownsClient;
        this.keys = new RedisKeys(b.keyPrefix);
        this.dimension = b.dimension;
        this.eventPoll = b.eventPoll;
        this.sweepInterval = b.sweepInterval;
        this.keyTtl = b.keyTtl;
        this.attachOnly = b.attachOnly;
        Mode resolved = b.mode;
        if (resolved == Mode.AUTO) {
            resolved = detectServerSearch() ? Mode.SERVER : Mode.LOCAL;
        }
        this.mode = resolved;
        checkDimension(true);
        if (mode == Mode.SERVER) {
            this.local = null;
            this.syncThread = null;
            ensureServerIndex();
        } else {
            this.local = new LocalVectorIndex(dimension);
            try {
                reload();
            } catch (RuntimeException e) {
                LOG.warn("Redis unreachable while loading the vector index ({}); it loads when Redis returns",
                        e.getClass().getSimpleName());
            }
            this.syncThread = new Thread(this::syncLoop, "promptcache-vector-sync");
            syncThread.setDaemon(true);
            syncThread.start();
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Mode mode() {
        return mode;
    }

    public int dimension() {
        return dimension;
    }

    /** Vectors in this JVM's index (LOCAL mode), or -1 in SERVER mode. */
    public int localSize() {
        return local == null ? -1 : local.size();
    }

    /** Approximate heap the LOCAL index takes, in bytes. */
    public long localMemoryBytes() {
        return local == null ? 0 : local.estimatedBytes();
    }

    /** True once the LOCAL index has been loaded from Redis. */
    public boolean loaded() {
        return mode == Mode.SERVER || loaded;
    }

    // ---------------------------------------------------------------- writes

    @Override
    public String add(Embedding embedding) {
        String id = Utils.randomUUID();
        add(id, embedding);
        return id;
    }

    @Override
    public void add(String id, Embedding embedding) {
        addAll(List.of(id), List.of(embedding), null);
    }

    @Override
    public String add(Embedding embedding, TextSegment segment) {
        String id = Utils.randomUUID();
        addAll(List.of(id), List.of(embedding), List.of(segment));
        return id;
    }

    @Override
    public List<String> addAll(List<Embedding> embeddings) {
        List<String> ids = generateIds(embeddings.size());
        addAll(ids, embeddings, null);
        return ids;
    }

    @Override
    public void addAll(List<String> ids, List<Embedding> embeddings, List<TextSegment> segments) {
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(embeddings, "embeddings");
        if (ids.size() != embeddings.size() || (segments != null && segments.size() != ids.size())) {
            throw new IllegalArgumentException("ids, embeddings and segments must have the same size");
        }
        for (int i = 0; i < ids.size(); i++) {
            float[] v = embeddings.get(i).vector();
            if (v.length != dimension) {
                throw new IllegalArgumentException("embedding has dimension " + v.length + " but this store's index has "
                        + dimension + "; use another key prefix for another embedding model");
            }
        }
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            TextSegment segment = segments == null ? null : segments.get(i);
            Metadata metadata = segment == null ? new Metadata() : segment.metadata();
            String scope = metadata.getString(SemanticIndex.SCOPE);
            String tag = tagOf(id);
            float[] vector = embeddings.get(i).vector();
            List<byte[]> args = new ArrayList<>();
            // As the cache's index, entries are written by the cache store with their TTL: only attach to
            // an existing one, so a late vector can never resurrect an evicted entry as a key without a TTL.
            args.add(bytes(attachOnly ? "0" : "1"));
            args.add(bytes(RedisCacheStore.V));
            args.add(Vectors.toBytes(vector));
            if (segment != null) {
                args.add(bytes(RedisCacheStore.Q));
                args.add(bytes(segment.text()));
            }
            args.add(bytes(RedisCacheStore.S));
            args.add(bytes(scope == null ? "" : scope));
            args.add(bytes(RedisCacheStore.TT));
            args.add(bytes(tag));
            args.add(bytes(M));
            args.add(bytes(CanonicalJson.write(metadata.toMap())));
            Object attached = ATTACH.run(jedis, List.of(bytes(keys.entry(tag, entryIdOf(id)))), args);
            if (!(attached instanceof Long l) || l == 0) {
                continue; // the entry went away before its vector arrived
            }
            if (local != null) {
                local.add(id, scope, segment == null ? null : segment.text(), metadata, vector);
                publish("add", id);
            }
        }
    }

    @Override
    public void remove(String id) {
        removeAll(List.of(id));
    }

    @Override
    public void removeAll(Collection<String> ids) {
        if (ids == null || ids.isEmpty()) {
            return;
        }
        for (String id : ids) {
            // The vector leaves; the cache entry (its answer) is the cache store's to delete. A HASH
            // left with no field is deleted by Redis itself.
            jedis.hdel(keys.entry(tagOf(id), entryIdOf(id)), RedisCacheStore.V, RedisCacheStore.Q, RedisCacheStore.S,
                    RedisCacheStore.TT, M);
            if (local != null) {
                local.remove(id);
                publish("del", id);
            }
        }
    }

    @Override
    public void removeAll(Filter filter) {
        Objects.requireNonNull(filter, "filter");
        if (local != null) {
            removeAll(local.matching(filter).stream().map(LocalVectorIndex.Item::id).toList());
        } else {
            removeAll(serverMatching(filter));
        }
    }

    @Override
    public void removeAll() {
        if (local != null) {
            removeAll(local.ids());
        } else {
            removeAll(serverMatching(null));
        }
    }

    // ---------------------------------------------------------------- search

    @Override
    public EmbeddingSearchResult<TextSegment> search(EmbeddingSearchRequest request) {
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
        float[] q = request.queryEmbedding().vector();
        if (q.length != dimension) {
            throw new IllegalArgumentException("query has dimension " + q.length + " but this store's index has " + dimension);
        }
        double minCosine = 2 * request.minScore() - 1; // LangChain4j scores are (cosine + 1) / 2
        if (mode == Mode.SERVER) {
            return serverSearch(q, request.filter(), request.maxResults(), minCosine);
        }
        List<LocalVectorIndex.Hit> hits = local.search(q, scopeOf(request.filter()), request.filter(),
                request.maxResults(), minCosine);
        if (hits.isEmpty()) {
            return new EmbeddingSearchResult<>(List.of());
        }
        // One round trip re-reads every candidate: whatever another JVM or Redis removed is dropped here.
        List<Response<Boolean>> exists = new ArrayList<>();
        try (AbstractPipeline p = jedis.pipelined()) {
            for (LocalVectorIndex.Hit h : hits) {
                exists.add(p.exists(keys.entry(tagOf(h.item().id()), entryIdOf(h.item().id()))));
            }
            p.sync();
        }
        List<EmbeddingMatch<TextSegment>> matches = new ArrayList<>();
        for (int i = 0; i < hits.size(); i++) {
            LocalVectorIndex.Item item = hits.get(i).item();
            if (!Boolean.TRUE.equals(exists.get(i).get())) {
                local.remove(item.id());
                continue;
            }
            TextSegment segment = item.text() == null ? null : TextSegment.from(item.text(), item.metadata().copy());
            matches.add(new EmbeddingMatch<>(RelevanceScore.fromCosineSimilarity(hits.get(i).cosine()), item.id(),
                    Embedding.from(item.unit()), segment));
        }
        return new EmbeddingSearchResult<>(matches);
    }

    /** The scope a filter pins, when it is {@code scope == X} or an AND containing it. */
    static String scopeOf(Filter filter) {
        if (filter instanceof IsEqualTo eq && SemanticIndex.SCOPE.equals(eq.key())) {
            return String.valueOf(eq.comparisonValue());
        }
        if (filter instanceof And and) {
            String left = scopeOf(and.left());
            return left != null ? left : scopeOf(and.right());
        }
        return null;
    }

    // ---------------------------------------------------------------- SERVER mode

    private boolean detectServerSearch() {
        try {
            jedis.sendCommand(new Raw("FT._LIST"));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void ensureServerIndex() {
        try {
            jedis.sendCommand(new Raw("FT.INFO"), keys.index());
        } catch (RuntimeException missing) {
            jedis.sendCommand(new Raw("FT.CREATE"), ServerQueries.createIndex(keys, dimension).toArray(String[]::new));
        }
    }

    private EmbeddingSearchResult<TextSegment> serverSearch(float[] q, Filter filter, int k, double minCosine) {
        List<byte[]> args = ServerQueries.knn(keys, filter, k, Vectors.toBytes(q));
        Object reply = jedis.sendCommand(new Raw("FT.SEARCH"), args.toArray(byte[][]::new));
        List<EmbeddingMatch<TextSegment>> out = new ArrayList<>();
        for (ServerQueries.Doc doc : ServerQueries.parse(reply, keys)) {
            double cosine = 1 - doc.distance();
            if (cosine < minCosine) {
                continue;
            }
            Metadata metadata = doc.metadataJson() == null ? new Metadata() : Metadata.from(parse(doc.metadataJson()));
            if (filter != null && !filter.test(metadata)) {
                continue;
            }
            out.add(new EmbeddingMatch<>(RelevanceScore.fromCosineSimilarity(cosine), doc.id(), null,
                    doc.text() == null ? null : TextSegment.from(doc.text(), metadata)));
        }
        return new EmbeddingSearchResult<>(out);
    }

    private List<String> serverMatching(Filter filter) {
        List<String> ids = new ArrayList<>();
        scanEntryKeys(batch -> {
            for (String key : batch) {
                String[] parts = keys.parseEntry(key);
                if (parts == null) {
                    continue;
                }
                if (filter != null) {
                    String json = jedis.hget(key, M);
                    if (json == null || !filter.test(Metadata.from(parse(json)))) {
                        continue;
                    }
                }
                ids.add(parts[0] + ":" + parts[1]);
            }
        });
        return ids;
    }

    private static Map<String, Object> parse(String json) {
        try {
            return CanonicalJson.mapper().readValue(json, new TypeReference<Map<String, Object>>() { });
        } catch (Exception e) {
            return Map.of();
        }
    }

    // ---------------------------------------------------------------- LOCAL mode sync

    private void publish(String op, String id) {
        Map<String, String> event = new HashMap<>();
        event.put("op", op);
        event.put("id", id);
        event.put("o", origin);
        jedis.xadd(keys.events(), XAddParams.xAddParams().approximateTrimming().maxLen(EVENT_STREAM_MAX), event);
        if (!keyTtl.isZero()) {
            // Our own keys live as long as the entries they describe would.
            jedis.pexpire(keys.events(), keyTtl.toMillis());
            jedis.pexpire(keys.meta(), keyTtl.toMillis());
        }
    }

    /** Loads every vector from Redis; events from before the load are skipped. */
    private void reload() {
        List<StreamEntry> last = jedis.xrevrange(keys.events(), "+", "-", 1);
        String from = last.isEmpty() ? "0-0" : last.get(0).getID().toString();
        LocalVectorIndex fresh = local;
        fresh.clear();
        scanEntryKeys(batch -> loadBatch(batch, fresh));
        lastEventId = from;
        loaded = true;
    }

    private void loadBatch(List<String> entryKeys, LocalVectorIndex into) {
        List<Response<List<byte[]>>> rows = new ArrayList<>();
        try (AbstractPipeline p = jedis.pipelined()) {
            for (String key : entryKeys) {
                rows.add(p.hmget(bytes(key), bytes(RedisCacheStore.V), bytes(RedisCacheStore.S), bytes(RedisCacheStore.Q),
                        bytes(M)));
            }
            p.sync();
        }
        for (int i = 0; i < entryKeys.size(); i++) {
            String[] parts = keys.parseEntry(entryKeys.get(i));
            List<byte[]> row = rows.get(i).get();
            if (parts == null || row == null || row.get(0) == null) {
                continue;
            }
            float[] v = Vectors.fromBytes(row.get(0));
            if (v.length != dimension) {
                continue;
            }
            Metadata metadata = row.get(3) == null ? new Metadata() : Metadata.from(parse(utf8(row.get(3))));
            // The entry's own fields are authoritative for scope and tenant, with or without a metadata copy.
            metadata.put(SemanticIndex.TENANT, parts[0]);
            if (row.get(1) != null && row.get(1).length > 0) {
                metadata.put(SemanticIndex.SCOPE, utf8(row.get(1)));
            }
            into.add(parts[0] + ":" + parts[1], row.get(1) == null ? "" : utf8(row.get(1)),
                    row.get(2) == null ? null : utf8(row.get(2)), metadata, v);
        }
    }

    private interface KeyBatch {
        void accept(List<String> keys);
    }

    /** SCAN over every node (every master of a cluster) for entry keys; never KEYS. */
    private void scanEntryKeys(KeyBatch consumer) {
        ScanParams params = new ScanParams().match(keys.entryPrefix() + "*").count(1000);
        if (jedis instanceof JedisCluster cluster) {
            for (ConnectionPool pool : cluster.getClusterNodes().values()) {
                try (Connection c = pool.getResource()) {
                    Jedis node = new Jedis(c);
                    if (node.info("replication").contains("role:slave")) {
                        continue;
                    }
                    String cursor = ScanParams.SCAN_POINTER_START;
                    do {
                        ScanResult<String> page = node.scan(cursor, params);
                        if (!page.getResult().isEmpty()) {
                            consumer.accept(page.getResult());
                        }
                        cursor = page.getCursor();
                    } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
                }
            }
            return;
        }
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = jedis.scan(cursor, params);
            if (!page.getResult().isEmpty()) {
                consumer.accept(page.getResult());
            }
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
    }

    private void syncLoop() {
        long backoff = 100;
        long lastSweep = System.nanoTime();
        boolean needReload = !loaded;
        while (running.get()) {
            try {
                if (needReload) {
                    checkDimension(false);
                    reload();
                    needReload = false;
                    LOG.debug("vector index loaded: {} entries", local.size());
                }
                readEvents();
                if (System.nanoTime() - lastSweep > sweepInterval.toNanos()) {
                    sweep();
                    lastSweep = System.nanoTime();
                }
                backoff = 100;
            } catch (RuntimeException e) {
                if (!running.get()) {
                    return;
                }
                LOG.debug("vector index sync failed; retrying", e);
                needReload = true; // events may have been missed while Redis was away
                sleep(backoff);
                backoff = Math.min(backoff * 2, 2000);
            }
        }
    }

    private void readEvents() {
        Map<String, StreamEntryID> from = Map.of(keys.events(), new StreamEntryID(lastEventId));
        List<Map.Entry<String, List<StreamEntry>>> batches = jedis.xread(
                XReadParams.xReadParams().count(512).block((int) eventPoll.toMillis()), from);
        if (batches == null) {
            return;
        }
        for (Map.Entry<String, List<StreamEntry>> batch : batches) {
            List<String> added = new ArrayList<>();
            for (StreamEntry e : batch.getValue()) {
                lastEventId = e.getID().toString();
                Map<String, String> f = e.getFields();
                if (origin.equals(f.get("o"))) {
                    continue;
                }
                String id = f.get("id");
                if ("del".equals(f.get("op"))) {
                    local.remove(id);
                } else if ("add".equals(f.get("op")) && id != null) {
                    added.add(keys.entry(tagOf(id), entryIdOf(id)));
                }
            }
            if (!added.isEmpty()) {
                loadBatch(added, local);
            }
        }
    }

    /** Drops vectors whose entries Redis expired (no event is sent for those). */
    private void sweep() {
        List<String> ids = local.ids();
        for (int i = 0; i < ids.size() && running.get(); i += 1000) {
            List<String> batch = ids.subList(i, Math.min(ids.size(), i + 1000));
            List<Response<Boolean>> exists = new ArrayList<>();
            try (AbstractPipeline p = jedis.pipelined()) {
                for (String id : batch) {
                    exists.add(p.exists(keys.entry(tagOf(id), entryIdOf(id))));
                }
                p.sync();
            }
            for (int k = 0; k < batch.size(); k++) {
                if (!Boolean.TRUE.equals(exists.get(k).get())) {
                    local.remove(batch.get(k));
                }
            }
        }
    }

    private void checkDimension(boolean atBuild) {
        try {
            jedis.hsetnx(keys.meta(), "dim", Integer.toString(dimension));
            if (!keyTtl.isZero()) {
                jedis.pexpire(keys.meta(), keyTtl.toMillis());
            }
            String stored = jedis.hget(keys.meta(), "dim");
            if (stored != null && Integer.parseInt(stored) != dimension) {
                String message = "the vector index under key prefix '" + keys.prefix() + "' has dimension " + stored
                        + " but the embedding model gives " + dimension + "; use another key prefix for another model";
                if (atBuild) {
                    throw new IllegalStateException(message);
                }
                failure = message;
                LOG.error(message);
            }
        } catch (redis.clients.jedis.exceptions.JedisConnectionException down) {
            if (!atBuild) {
                throw down;
            }
            // Redis down at start: checked again when it returns.
        }
    }

    // ---------------------------------------------------------------- ids

    static String tagOf(String id) {
        int colon = id.indexOf(':');
        return colon > 0 ? id.substring(0, colon) : DEFAULT_TAG;
    }

    static String entryIdOf(String id) {
        int colon = id.indexOf(':');
        return colon > 0 ? id.substring(colon + 1) : id;
    }

    private static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running.set(false);
        if (syncThread != null) {
            syncThread.interrupt();
            try {
                syncThread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (ownsClient) {
            jedis.close();
        }
    }

    /** A command by name, for the Query Engine commands. */
    record Raw(String name) implements ProtocolCommand {
        @Override
        public byte[] getRaw() {
            return name.getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** Builder of {@link RedisEmbeddingStore}. */
    public static final class Builder {
        private UnifiedJedis jedis;
        private boolean ownsClient;
        private String keyPrefix = RedisConfig.DEFAULT_KEY_PREFIX;
        private int dimension;
        private Mode mode = Mode.AUTO;
        private Duration eventPoll = Duration.ofMillis(200);
        private Duration sweepInterval = Duration.ofSeconds(30);
        private Duration keyTtl = Duration.ZERO;
        private boolean attachOnly;

        public Builder client(UnifiedJedis jedis) {
            this.jedis = Objects.requireNonNull(jedis, "client");
            this.ownsClient = false;
            return this;
        }

        public Builder config(RedisConfig config) {
            this.jedis = config.connect();
            this.ownsClient = true;
            this.keyPrefix = config.keyPrefix();
            if (eventPoll.compareTo(config.readTimeout().dividedBy(2)) > 0) {
                eventPoll = config.readTimeout().dividedBy(2);
            }
            return this;
        }

        public Builder keyPrefix(String prefix) {
            this.keyPrefix = RedisConfig.builder().keyPrefix(prefix).build().keyPrefix();
            return this;
        }

        /** Dimension of the vectors; required (512 for the in-process bge-small-zh, 1024 for bge-m3). */
        public Builder dimension(int dimension) {
            if (dimension < 1) {
                throw new IllegalArgumentException("dimension must be positive");
            }
            this.dimension = dimension;
            return this;
        }

        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** How long one poll of the event stream blocks; keep it under the client's read timeout. */
        public Builder eventPoll(Duration poll) {
            this.eventPoll = Objects.requireNonNull(poll, "eventPoll");
            return this;
        }

        /**
         * Use as the vector index of a {@link RedisCacheStore} on the same prefix: a vector is only added to
         * an entry the cache store has written (and whose TTL it set). Off by default (a plain store).
         */
        public Builder attachToCacheEntries(boolean on) {
            this.attachOnly = on;
            return this;
        }

        /** TTL of the store's own keys (event stream, settings), refreshed on every write; zero for none. */
        public Builder keyTtl(Duration ttl) {
            Objects.requireNonNull(ttl, "keyTtl");
            if (ttl.isNegative()) {
                throw new IllegalArgumentException("keyTtl must not be negative");
            }
            this.keyTtl = ttl;
            return this;
        }

        /** How often vectors of entries Redis expired are dropped from the LOCAL index. */
        public Builder sweepInterval(Duration interval) {
            this.sweepInterval = Objects.requireNonNull(interval, "sweepInterval");
            return this;
        }

        public RedisEmbeddingStore build() {
            if (jedis == null) {
                throw new IllegalStateException("set client(...) or config(...)");
            }
            if (dimension < 1) {
                throw new IllegalStateException("dimension must be set: the embedding model's vector size");
            }
            return new RedisEmbeddingStore(this);
        }
    }
}
