package io.promptcache.redis;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.RelevanceScore;
import dev.langchain4j.store.embedding.filter.Filter;
import redis.clients.jedis.UnifiedJedis;

import java.util.ArrayList;
import java.util.List;

/**
 * SERVER mode: the server's Query Engine ({@code FT.*}: Redis 8, Redis Stack, Redis Cloud). An index
 * {@code ON HASH} over the entry keys with an HNSW vector field and TAG fields; KNN queries carry the
 * scope and tenant pre-filter. Expired and deleted keys leave the index by themselves, so there is
 * nothing to keep in step.
 */
final class ServerVectorSearch implements VectorSearch {

    private final UnifiedJedis jedis;
    private final RedisKeys keys;
    private final ServerQueries.Hnsw hnsw;
    /** Field of the index settings hash ({@code :meta}) that records the server index's vector settings. */
    static final String HNSW = "hnsw";

    ServerVectorSearch(UnifiedJedis jedis, RedisKeys keys, int dimension, ServerQueries.Hnsw hnsw) {
        this.jedis = jedis;
        this.keys = keys;
        this.hnsw = hnsw;
        String wanted = ServerQueries.hnswSettings(dimension, hnsw);
        Object info;
        try {
            info = jedis.sendCommand(ServerQueries.FT_INFO, keys.index());
        } catch (redis.clients.jedis.exceptions.JedisDataException missing) {
            jedis.sendCommand(ServerQueries.FT_CREATE, ServerQueries.createIndex(keys, dimension, hnsw).toArray(String[]::new));
            jedis.hset(keys.meta(), HNSW, wanted);
            return;
        }
        // An index made earlier with other settings would answer every search wrongly or not at all: refuse it
        // now, naming both. Newer servers describe the vector field in FT.INFO; every server has what we recorded.
        String existing = ServerQueries.hnswSettings(info, keys.vectorField());
        if (existing == null) {
            existing = jedis.hget(keys.meta(), HNSW);
        }
        if (existing == null) {
            jedis.hset(keys.meta(), HNSW, wanted); // made by a version that did not record them: take ours as its
        } else if (!existing.equals(wanted)) {
            throw new IllegalStateException("the Query Engine index '" + keys.index() + "' was created with " + existing
                    + " but this cache asks for " + wanted + "; drop it (FT.DROPINDEX " + keys.index()
                    + ", the entries stay) or build the cache with the same settings");
        }
    }

    @Override
    public RedisEmbeddingStore.Mode mode() {
        return RedisEmbeddingStore.Mode.SERVER;
    }

    @Override
    public void added(String id, String scope, String text, Metadata metadata, float[] vector) {
        // The server indexes the hash as it is written.
    }

    @Override
    public void removed(String id) {
    }

    @Override
    public List<EmbeddingMatch<TextSegment>> search(float[] query, Filter filter, int maxResults, double minCosine) {
        List<byte[]> args = ServerQueries.knn(keys, filter, maxResults, Vectors.toBytes(query), hnsw.efRuntime());
        Object reply = jedis.sendCommand(ServerQueries.FT_SEARCH, args.toArray(byte[][]::new));
        List<EmbeddingMatch<TextSegment>> out = new ArrayList<>();
        for (ServerQueries.Doc doc : ServerQueries.parse(reply, keys)) {
            double cosine = 1 - doc.distance();
            if (cosine < minCosine) {
                continue;
            }
            Metadata metadata = RedisEmbeddingStore.metadataOf(doc.metadataJson(), doc.tag(), doc.scope());
            if (filter != null && !filter.test(metadata)) {
                continue;
            }
            out.add(new EmbeddingMatch<>(RelevanceScore.fromCosineSimilarity(cosine), doc.id(), null,
                    doc.text() == null ? null : TextSegment.from(doc.text(), metadata)));
            if (out.size() == maxResults) {
                break;
            }
        }
        return out;
    }

    @Override
    public List<String> matching(Filter filter) {
        List<String> ids = new ArrayList<>();
        EntryScanner.scan(jedis, keys, batch -> {
            for (String key : batch) {
                String[] parts = keys.parseEntry(key);
                if (parts == null) {
                    continue;
                }
                if (filter != null) {
                    List<String> row = jedis.hmget(key, RedisEmbeddingStore.M, RedisCacheStore.S);
                    if (!filter.test(RedisEmbeddingStore.metadataOf(row.get(0), parts[0], row.get(1)))) {
                        continue;
                    }
                }
                ids.add(parts[0] + ":" + parts[1]);
            }
        });
        return ids;
    }

    @Override
    public int localSize() {
        return -1;
    }

    @Override
    public long localMemoryBytes() {
        return 0;
    }

    @Override
    public boolean ready() {
        return true;
    }

    @Override
    public void close() {
    }
}
