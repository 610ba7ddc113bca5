package io.promptcache.redis;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.filter.Filter;

import java.util.List;

/**
 * How {@link RedisEmbeddingStore} searches the vectors it keeps in the entry hashes: one implementation
 * per mode, so the store can choose a mode again at run time (AUTO, when Redis was down at start).
 * Vectors are written to Redis by the store itself; a mode is only told of them.
 */
interface VectorSearch extends AutoCloseable {

    RedisEmbeddingStore.Mode mode();

    /** A vector was written to its entry hash by this JVM. */
    void added(String id, String scope, String text, Metadata metadata, float[] vector);

    /** A vector was removed from its entry hash by this JVM. */
    void removed(String id);

    /** Nearest neighbours at or above {@code minCosine}, most similar first, each still present in Redis. */
    List<EmbeddingMatch<TextSegment>> search(float[] query, Filter filter, int maxResults, double minCosine);

    /** Ids of the vectors that match {@code filter} (all when null). */
    List<String> matching(Filter filter);

    /** Vectors held in this JVM, or -1 when the server holds them. */
    int localSize();

    /** Heap this JVM spends on vectors, in bytes. */
    long localMemoryBytes();

    /** True once searches see every vector in Redis. */
    boolean ready();

    @Override
    void close();
}
