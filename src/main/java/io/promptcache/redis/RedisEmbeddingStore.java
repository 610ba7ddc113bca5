package io.promptcache.redis;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.internal.Utils;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.langchain4j.store.embedding.filter.comparison.IsEqualTo;
import dev.langchain4j.store.embedding.filter.logical.And;
import io.promptcache.key.CanonicalJson;
import io.promptcache.semantic.SemanticIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static io.promptcache.redis.RedisKeys.bytes;

/**
 * A LangChain4j {@link EmbeddingStore} on the cache's own Redis HASH layout: the vector is the entry's
 * {@code v} field (binary little-endian float32), scope and tenant tag its {@code s} and {@code tt}
 * TAG fields. Ids are {@code <tenant tag>:<entry id>}, which names the entry key.
 *
 * <p>This class holds the LangChain4j API and the writes; searching is a {@link VectorSearch}, one per
 * mode, over the same keys, so switching needs no migration:
 * <ul>
 *   <li>{@link Mode#SERVER} ({@link ServerVectorSearch}): the server's Query Engine.</li>
 *   <li>{@link Mode#LOCAL} ({@link LocalVectorSearch}): plain Redis, Valkey, managed Redis without
 *       modules, Cluster; an index in each JVM kept in step by a Redis Stream.</li>
 * </ul>
 * {@link Mode#AUTO} asks the server for {@code FT._LIST} and picks. When Redis does not answer at start,
 * the choice waits: searches fail (the cache passes calls through) and the next operation after the
 * retry interval asks again, so a Redis that comes back with the Query Engine is used in SERVER mode.
 */
public final class RedisEmbeddingStore implements EmbeddingStore<TextSegment>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisEmbeddingStore.class);

    /** How searches run. */
    public enum Mode { AUTO, LOCAL, SERVER }

    static final String M = "m";
    private static final String DEFAULT_TAG = "_";
    private static final long DETECT_RETRY_NANOS = 1_000_000_000L;

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
    private final Mode requested;
    private final Duration eventPoll;
    private final Duration sweepInterval;
    private final Duration keyTtl;
    private final boolean attachOnly;
    private final ServerQueries.Hnsw hnsw;
    private final boolean warnWhenDown;
    private volatile VectorSearch search;
    private volatile long lastDetect;
    private volatile String failure;
    /** The embedding model whose vectors this index holds, recorded in the meta hash; null when not known. */
    private volatile String modelName;
    private volatile boolean closed;

    /** Shared by the LOCAL indexes of the prefix's spaces for their first load; null for a store on its own. */
    private final StartupScan startupScan;

    private RedisEmbeddingStore(Builder b) {
        this.startupScan = b.startupScan;
        this.jedis = b.jedis;
        this.ownsClient = b.ownsClient;
        this.keys = new RedisKeys(b.keyPrefix).space(b.space);
        this.modelName = b.modelName;
        this.dimension = b.dimension;
        this.requested = b.mode;
        this.eventPoll = b.eventPoll;
        this.sweepInterval = b.sweepInterval;
        this.keyTtl = b.keyTtl;
        this.attachOnly = b.attachOnly;
        this.hnsw = b.hnsw;
        this.warnWhenDown = b.warnWhenDown;
        checkIndexSettings(true);
        this.search = choose();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The mode searches run in now; {@link Mode#AUTO} while Redis has not answered the question yet. */
    public Mode mode() {
        VectorSearch s = search;
        return s == null ? Mode.AUTO : s.mode();
    }

    public int dimension() {
        return dimension;
    }

    /** Vectors in this JVM's index (LOCAL mode), or -1 otherwise. */
    public int localSize() {
        VectorSearch s = search;
        return s == null ? -1 : s.localSize();
    }

    /** Approximate heap the LOCAL index takes, in bytes. */
    public long localMemoryBytes() {
        VectorSearch s = search;
        return s == null ? 0 : s.localMemoryBytes();
    }

    /** True once searches see every vector in Redis. */
    public boolean loaded() {
        VectorSearch s = search;
        return s != null && s.ready();
    }

    /**
     * The search of the mode asked for; for AUTO, the one the server supports; null while Redis does not
     * answer. SERVER asked of a server without the Query Engine searches in LOCAL mode (same keys) after
     * one warning, so a configuration slip never stops the application.
     */
    private VectorSearch choose() {
        lastDetect = System.nanoTime();
        try {
            Mode mode = requested;
            if (mode == Mode.AUTO) {
                try {
                    jedis.sendCommand(ServerQueries.FT_LIST);
                    mode = Mode.SERVER;
                } catch (JedisDataException noQueryEngine) {
                    mode = Mode.LOCAL;
                }
            }
            if (mode == Mode.SERVER) {
                try {
                    return new ServerVectorSearch(jedis, keys, dimension, hnsw);
                } catch (JedisDataException noQueryEngine) {
                    LOG.warn("PromptCache: SERVER vector search was asked for, but the server has no Query Engine ({}); "
                            + "searching in LOCAL mode instead", noQueryEngine.getMessage());
                }
            }
            return new LocalVectorSearch(jedis, keys, dimension, eventPoll, sweepInterval, keyTtl, () -> checkIndexSettings(false),
                    startupScan);
        } catch (JedisConnectionException down) {
            if (warnWhenDown) {
                LOG.warn("PromptCache: Redis did not answer at start ({}); the vector search mode is chosen when it does",
                        down.getClass().getSimpleName());
            }
            return null;
        }
    }

    /** The current search, choosing the AUTO mode now if Redis was down before; null while it still is. */
    private VectorSearch current() {
        VectorSearch s = search;
        if (s != null || closed || System.nanoTime() - lastDetect < DETECT_RETRY_NANOS) {
            return s;
        }
        synchronized (this) {
            if (search == null && !closed && System.nanoTime() - lastDetect >= DETECT_RETRY_NANOS) {
                try {
                    checkIndexSettings(false);
                    search = choose();
                    if (search != null) {
                        LOG.info("PromptCache: Redis answered; vector search runs in {} mode", search.mode());
                    }
                } catch (JedisConnectionException stillDown) {
                    lastDetect = System.nanoTime();
                } catch (IllegalStateException mismatch) {
                    // an existing server index built with other settings: searching it would miss silently
                    failure = mismatch.getMessage();
                    lastDetect = System.nanoTime();
                    LOG.error(mismatch.getMessage());
                }
            }
            return search;
        }
    }

    private VectorSearch required() {
        VectorSearch s = current();
        if (s == null) {
            throw new JedisConnectionException("Redis has not answered yet; the vector search mode is not chosen");
        }
        return s;
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
            args.add(bytes(keys.vectorField()));
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
            VectorSearch mode = current();
            if (mode != null) {
                mode.added(id, scope, segment == null ? null : segment.text(), metadata, vector);
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
            jedis.hdel(keys.entry(tagOf(id), entryIdOf(id)), keys.vectorField(), RedisCacheStore.Q, RedisCacheStore.S,
                    RedisCacheStore.TT, M);
            VectorSearch mode = current();
            if (mode != null) {
                mode.removed(id);
            }
        }
    }

    @Override
    public void removeAll(Filter filter) {
        Objects.requireNonNull(filter, "filter");
        removeAll(required().matching(filter));
    }

    @Override
    public void removeAll() {
        removeAll(required().matching(null));
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
        return new EmbeddingSearchResult<>(required().search(q, request.filter(), request.maxResults(), minCosine));
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

    /**
     * Tells every JVM's LOCAL index that an entry removed by someone else (an operator's {@code clear})
     * is gone, so its vector leaves memory now rather than at the next sweep. A prefix without an event
     * stream has no LOCAL index to tell.
     */
    public static void announceRemoval(UnifiedJedis jedis, RedisKeys keys, String tenant, String entryId) {
        announceRemovals(jedis, keys, tenant, List.of(entryId));
    }

    /** {@link #announceRemoval} for many entries of a tenant: one existence check per vector space. */
    public static void announceRemovals(UnifiedJedis jedis, RedisKeys keys, String tenant, java.util.Collection<String> entryIds) {
        if (entryIds.isEmpty()) {
            return;
        }
        for (RedisKeys space : keys.vectorSpaces()) {
            if (jedis.exists(space.events())) {
                for (String entryId : entryIds) {
                    LocalVectorSearch.publish(jedis, space, "operator", "del", SemanticIndex.embeddingId(tenant, entryId));
                }
            }
        }
    }

    /**
     * An entry's metadata as both search modes see it: the copy in field {@code m} if there is one, with the
     * entry's own fields authoritative for tenant ({@code tag}, from the key) and scope ({@code s}). An entry
     * written through {@code CacheStore.put} with a vector has no {@code m}, and is found all the same.
     */
    static Metadata metadataOf(String json, String tag, String scope) {
        Metadata metadata = json == null ? new Metadata() : metadata(json);
        metadata.put(SemanticIndex.TENANT, tag);
        if (scope != null && !scope.isEmpty()) {
            metadata.put(SemanticIndex.SCOPE, scope);
        }
        return metadata;
    }

    static Metadata metadata(String json) {
        try {
            return Metadata.from(CanonicalJson.mapper().readValue(json, new TypeReference<Map<String, Object>>() { }));
        } catch (Exception e) {
            return new Metadata();
        }
    }

    private void checkIndexSettings(boolean atBuild) {
        try {
            jedis.hsetnx(keys.meta(), "dim", Integer.toString(dimension));
            String model = modelName;
            if (model != null) {
                jedis.hsetnx(keys.meta(), "model", model);
            }
            if (!keyTtl.isZero()) {
                jedis.pexpire(keys.meta(), keyTtl.toMillis());
            }
            List<String> stored = jedis.hmget(keys.meta(), "dim", "model");
            String message = null;
            if (stored.get(0) != null && Integer.parseInt(stored.get(0)) != dimension) {
                message = "the vector index under key prefix '" + keys.prefix() + "'" + spaceLabel() + " has dimension "
                        + stored.get(0) + " but the embedding model gives " + dimension + "; use another key prefix for another model";
            } else if (model != null && stored.get(1) != null && !stored.get(1).equals(model)) {
                message = "the vector index under key prefix '" + keys.prefix() + "'" + spaceLabel() + " holds vectors of "
                        + stored.get(1) + " but this cache embeds with " + model + "; vectors of two models cannot be "
                        + "compared: give the new model its own key prefix";
            }
            if (message != null) {
                if (atBuild) {
                    throw new IllegalStateException(message);
                }
                failure = message;
                LOG.error(message);
            }
        } catch (JedisConnectionException down) {
            if (!atBuild) {
                throw down;
            }
            // Redis down at start: checked again when it returns.
        }
    }

    private String spaceLabel() {
        return keys.spaceName() == null ? "" : " (vector space " + keys.spaceName() + ")";
    }

    /**
     * Records which embedding model this index holds, or checks it against the one recorded: a cache that
     * switched embedders on an existing index fails here, at build time, instead of comparing vectors of
     * two models. A null or "unknown" name checks nothing. While Redis is down the check waits for it.
     *
     * @throws IllegalStateException when the index holds another model's vectors
     */
    public void bindEmbeddingModel(String name) {
        if (name == null || name.isBlank() || "unknown".equals(name)) {
            return;
        }
        if (name.equals(modelName)) {
            return; // bound when the store was built, and checked then (or when Redis returns)
        }
        if (modelName != null) {
            throw new IllegalStateException("this vector index is bound to " + modelName + "; " + name
                    + " needs an index of its own (another key prefix)");
        }
        modelName = name;
        checkIndexSettings(true);
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

    @Override
    public void close() {
        VectorSearch s;
        synchronized (this) {
            closed = true;
            s = search;
        }
        if (s != null) {
            s.close();
        }
        if (ownsClient) {
            jedis.close();
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
        private ServerQueries.Hnsw hnsw = ServerQueries.Hnsw.DEFAULT;
        private boolean warnWhenDown = true;
        private String space;
        private String modelName;
        private StartupScan startupScan;

        /** A start-up scan shared with the other spaces of the prefix (made by {@link RedisCache}). */
        Builder startupScan(StartupScan scan) {
            this.startupScan = scan;
            return this;
        }

        /** {@link RedisCache} gives the one warning of an outage at start itself. */
        Builder warnWhenDown(boolean on) {
            this.warnWhenDown = on;
            return this;
        }

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
        /**
         * A named vector space under the key prefix, for a second model beside the default one: its vectors,
         * events, settings and server index have keys of their own (see {@link RedisKeys}).
         */
        public Builder space(String name) {
            RedisKeys.checkSpaceName(name);
            this.space = name;
            return this;
        }

        /** The embedding model whose vectors the index holds, recorded and checked (see {@link #bindEmbeddingModel}). */
        public Builder embeddingModelName(String name) {
            this.modelName = name == null || name.isBlank() || "unknown".equals(name) ? null : name;
            return this;
        }

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

        /**
         * HNSW parameters of SERVER mode's index (M and EF_CONSTRUCTION take effect when the index is
         * created; EF_RUNTIME on every query). Default M 16, EF_CONSTRUCTION 200, EF_RUNTIME 200.
         */
        public Builder hnsw(int m, int efConstruction, int efRuntime) {
            this.hnsw = new ServerQueries.Hnsw(m, efConstruction, efRuntime);
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
