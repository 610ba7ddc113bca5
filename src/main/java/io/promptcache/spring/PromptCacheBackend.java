package io.promptcache.spring;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import io.promptcache.embedding.EmbeddingModels;
import io.promptcache.redis.RedisCache;
import io.promptcache.redis.RedisConfig;
import io.promptcache.store.CacheStore;
import io.promptcache.store.InMemoryCacheStore;

import java.util.Locale;

/**
 * What every wrapped model shares: the embedder, the vector store and, with Redis, the connection. One
 * cache for all models of the application, so a blocking and a streaming model answer from the same
 * entries. The embedder and the vector store are not exposed as LangChain4j beans: an application's own
 * RAG would otherwise find them, or back off because of them.
 */
public final class PromptCacheBackend implements AutoCloseable {

    private final EmbeddingModel embeddingModel;
    private final RedisCache redis;
    private final EmbeddingStore<TextSegment> embeddingStore;
    private final CacheStore defaultStore;

    PromptCacheBackend(PromptCacheProperties props, EmbeddingModel ownEmbeddingModel, EmbeddingStore<TextSegment> ownEmbeddingStore) {
        props.validate();
        this.embeddingModel = ownEmbeddingModel != null ? ownEmbeddingModel : embedder(props);
        if (props.getStore().redis()) {
            RedisConfig config = RedisConfig.builder().url(props.getStore().getUrl()).keyPrefix(props.getStore().getKeyPrefix()).build();
            this.redis = RedisCache.builder().config(config).dimension(EmbeddingModels.dimension(embeddingModel,
                    props.getEmbedding().getOllama().getDimension(), "promptcache.embedding.ollama.dimension"))
                    .maxEntriesPerTenant(props.getMaxEntriesPerTenant()).ttl(props.getTtl()).build();
            this.defaultStore = redis.cacheStore();
            this.embeddingStore = ownEmbeddingStore != null ? ownEmbeddingStore : redis.embeddingStore();
        } else {
            this.redis = null;
            this.defaultStore = InMemoryCacheStore.builder().maxEntriesPerTenant(props.getMaxEntriesPerTenant()).build();
            this.embeddingStore = ownEmbeddingStore != null ? ownEmbeddingStore : new InMemoryEmbeddingStore<>();
        }
    }

    private static EmbeddingModel embedder(PromptCacheProperties props) {
        PromptCacheProperties.Embedding e = props.getEmbedding();
        if (e.getProvider().toLowerCase(Locale.ROOT).equals("ollama")) {
            return EmbeddingModels.ollama(e.getOllama().getBaseUrl(), e.getOllama().getModelName(), e.getOllama().getTimeout());
        }
        return EmbeddingModels.inProcess();
    }

    public EmbeddingModel embeddingModel() {
        return embeddingModel;
    }

    public EmbeddingStore<TextSegment> embeddingStore() {
        return embeddingStore;
    }

    /** The store the auto-configuration offers as a bean when the application has none. */
    public CacheStore defaultStore() {
        return defaultStore;
    }

    @Override
    public void close() {
        if (redis != null) {
            redis.close();
        }
    }
}
