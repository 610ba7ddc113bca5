package io.promptcache.redis;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.RelevanceScore;
import dev.langchain4j.store.embedding.filter.Filter;
import io.promptcache.semantic.SemanticIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.promptcache.redis.RedisKeys.bytes;

/**
 * LOCAL mode: plain Redis, Valkey, managed Redis without modules, Cluster. This JVM keeps a
 * {@link LocalVectorIndex}, loaded from Redis with {@code SCAN} and kept in step with other JVMs by a
 * Redis Stream of add and delete events. Every candidate is checked against Redis before it is
 * returned, so an entry that expired, was evicted or deleted in any JVM is never served; a periodic
 * sweep drops the vectors of entries Redis expired (no event is sent for those).
 */
final class LocalVectorSearch implements VectorSearch {

    private static final Logger LOG = LoggerFactory.getLogger(LocalVectorSearch.class);
    private static final int EVENT_STREAM_MAX = 100_000;

    private final UnifiedJedis jedis;
    private final RedisKeys keys;
    private final int dimension;
    private final Duration eventPoll;
    private final Duration sweepInterval;
    private final Duration keyTtl;
    /** Runs before every reload: the store checks the recorded dimension and model once Redis answers. */
    private final Runnable beforeLoad;
    private final String origin = UUID.randomUUID().toString();
    private final LocalVectorIndex index;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread syncThread;
    private volatile boolean loaded;
    private volatile String lastEventId = "0-0";

    /** The start-up scan shared with the other spaces of the prefix, or null; used by the first load only. */
    private StartupScan startup;

    LocalVectorSearch(UnifiedJedis jedis, RedisKeys keys, int dimension, Duration eventPoll, Duration sweepInterval,
                      Duration keyTtl, Runnable beforeLoad, StartupScan startup) {
        this.startup = startup;
        this.jedis = jedis;
        this.keys = keys;
        this.dimension = dimension;
        this.eventPoll = eventPoll;
        this.sweepInterval = sweepInterval;
        this.keyTtl = keyTtl;
        this.beforeLoad = beforeLoad;
        this.index = new LocalVectorIndex(dimension);
        try {
            reload();
        } catch (RuntimeException e) {
            LOG.debug("Redis unreachable while loading the vector index; it loads when Redis returns", e);
        }
        this.syncThread = new Thread(this::syncLoop, "promptcache-vector-sync");
        syncThread.setDaemon(true);
        syncThread.start();
    }

    @Override
    public RedisEmbeddingStore.Mode mode() {
        return RedisEmbeddingStore.Mode.LOCAL;
    }

    @Override
    public void added(String id, String scope, String text, Metadata metadata, float[] vector) {
        index.add(id, scope, text, metadata, vector);
        publish("add", id);
    }

    @Override
    public void removed(String id) {
        // A loaded index that never held the vector (an entry of another vector space, or one never indexed)
        // tells no one: the other JVMs load the same field. A vector that reached another JVM meanwhile is
        // still never served: every candidate's entry is re-read before it is.
        if (index.remove(id) || !loaded) {
            publish("del", id);
        }
    }

    @Override
    public List<EmbeddingMatch<TextSegment>> search(float[] query, Filter filter, int maxResults, double minCosine) {
        List<LocalVectorIndex.Hit> hits = index.search(query, RedisEmbeddingStore.scopeOf(filter), filter, maxResults,
                minCosine);
        if (hits.isEmpty()) {
            return List.of();
        }
        // One round trip re-reads every candidate: whatever another JVM or Redis removed is dropped here.
        List<Boolean> present = exist(hits.stream().map(h -> h.item().id()).toList());
        List<EmbeddingMatch<TextSegment>> matches = new ArrayList<>();
        for (int i = 0; i < hits.size(); i++) {
            LocalVectorIndex.Item item = hits.get(i).item();
            if (!present.get(i)) {
                index.remove(item.id());
                continue;
            }
            TextSegment segment = item.text() == null ? null : TextSegment.from(item.text(), item.metadata());
            matches.add(new EmbeddingMatch<>(RelevanceScore.fromCosineSimilarity(hits.get(i).cosine()), item.id(),
                    Embedding.from(item.unit()), segment));
        }
        return matches;
    }

    @Override
    public List<String> matching(Filter filter) {
        return index.matching(filter).stream().map(LocalVectorIndex.Item::id).toList();
    }

    @Override
    public int localSize() {
        return index.size();
    }

    @Override
    public long localMemoryBytes() {
        return index.estimatedBytes();
    }

    @Override
    public boolean ready() {
        return loaded;
    }

    private List<Boolean> exist(List<String> ids) {
        List<Response<Boolean>> exists = new ArrayList<>(ids.size());
        try (AbstractPipeline p = Pipelines.open(jedis)) {
            for (String id : ids) {
                exists.add(p.exists(keys.entry(RedisEmbeddingStore.tagOf(id), RedisEmbeddingStore.entryIdOf(id))));
            }
            p.sync();
        }
        List<Boolean> out = new ArrayList<>(ids.size());
        exists.forEach(r -> out.add(Boolean.TRUE.equals(r.get())));
        return out;
    }

    private void publish(String op, String id) {
        publish(jedis, keys, origin, op, id);
        if (!keyTtl.isZero()) {
            // Our own keys live as long as the entries they describe would.
            jedis.pexpire(keys.events(), keyTtl.toMillis());
            jedis.pexpire(keys.meta(), keyTtl.toMillis());
        }
    }

    /** Appends an add or delete event to the stream every LOCAL index follows. */
    static void publish(UnifiedJedis jedis, RedisKeys keys, String origin, String op, String id) {
        Map<String, String> event = new HashMap<>();
        event.put("op", op);
        event.put("id", id);
        event.put("o", origin);
        jedis.xadd(keys.events(), XAddParams.xAddParams().approximateTrimming().maxLen(EVENT_STREAM_MAX), event);
    }

    /** Loads every vector from Redis; events from before the load are skipped. */
    private void reload() {
        beforeLoad.run();
        StartupScan shared = startup;
        startup = null; // the shared scan serves the first load; a reload after a fault scans for this space alone
        java.util.Optional<StartupScan.Load> taken = shared == null ? java.util.Optional.empty() : shared.take(keys);
        if (taken.isPresent()) {
            index.clear();
            taken.get().rows().forEach(this::load);
            lastEventId = taken.get().lastEventId();
            loaded = true;
            return;
        }
        List<StreamEntry> last = jedis.xrevrange(keys.events(), "+", "-", 1);
        String from = last.isEmpty() ? "0-0" : last.get(0).getID().toString();
        index.clear();
        EntryScanner.scan(jedis, keys, this::loadBatch);
        lastEventId = from;
        loaded = true;
    }

    private void loadBatch(List<String> entryKeys) {
        List<Response<List<byte[]>>> rows = new ArrayList<>();
        try (AbstractPipeline p = Pipelines.open(jedis)) {
            for (String key : entryKeys) {
                rows.add(p.hmget(bytes(key), bytes(keys.vectorField()), bytes(RedisCacheStore.S), bytes(RedisCacheStore.Q),
                        bytes(RedisEmbeddingStore.M)));
            }
            p.sync();
        }
        for (int i = 0; i < entryKeys.size(); i++) {
            List<byte[]> row = rows.get(i).get();
            if (row != null && row.get(0) != null) {
                load(new StartupScan.Row(entryKeys.get(i), row.get(0), row.get(1), row.get(2), row.get(3)));
            }
        }
    }

    /** One entry's vector into the index, with the metadata both search modes rebuild from the entry's fields. */
    private void load(StartupScan.Row row) {
        String[] parts = keys.parseEntry(row.entryKey());
        if (parts == null) {
            return;
        }
        float[] v = Vectors.fromBytes(row.vector());
        if (v.length != dimension) {
            return;
        }
        String scope = row.scope() == null ? null : utf8(row.scope());
        Metadata metadata = RedisEmbeddingStore.metadataOf(row.metadata() == null ? null : utf8(row.metadata()), parts[0], scope);
        index.add(parts[0] + ":" + parts[1], scope == null ? "" : scope, row.question() == null ? null : utf8(row.question()),
                metadata, v);
    }

    private void syncLoop() {
        long backoff = 100;
        long lastSweep = System.nanoTime();
        boolean needReload = !loaded;
        while (running.get()) {
            try {
                if (needReload) {
                    reload();
                    needReload = false;
                    LOG.debug("vector index loaded: {} entries", index.size());
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
                // Events may have been missed while Redis was away: not ready until the reload has run, which
                // also clears the index for a moment (searches meanwhile miss, never serve a stale vector).
                loaded = false;
                needReload = true;
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
                    index.remove(id);
                } else if ("add".equals(f.get("op")) && id != null) {
                    added.add(keys.entry(RedisEmbeddingStore.tagOf(id), RedisEmbeddingStore.entryIdOf(id)));
                }
            }
            if (!added.isEmpty()) {
                loadBatch(added);
            }
        }
    }

    /** Drops vectors whose entries Redis expired. */
    private void sweep() {
        List<String> ids = index.ids();
        for (int i = 0; i < ids.size() && running.get(); i += 1000) {
            List<String> batch = ids.subList(i, Math.min(ids.size(), i + 1000));
            List<Boolean> present = exist(batch);
            for (int k = 0; k < batch.size(); k++) {
                if (!present.get(k)) {
                    index.remove(batch.get(k));
                }
            }
        }
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
        syncThread.interrupt();
        try {
            syncThread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
