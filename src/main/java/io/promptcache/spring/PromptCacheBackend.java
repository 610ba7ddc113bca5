package io.promptcache.spring;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import io.promptcache.semantic.InMemoryVectorStore;
import io.promptcache.embedding.EmbeddingModels;
import io.promptcache.embedding.InProcessModel;
import io.promptcache.redis.RedisCache;
import io.promptcache.redis.RedisConfig;
import io.promptcache.store.CacheStore;
import io.promptcache.store.InMemoryCacheStore;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * What every wrapped model shares: the embedder, the vector stores and, with Redis, the connection. One
 * cache for all models of the application, so a blocking and a streaming model answer from the same
 * entries. The embedder and the vector stores are not exposed as LangChain4j beans: an application's own
 * RAG would otherwise find them, or back off because of them.
 *
 * <p>With the in-process default there is no one embedder: each in-process model has its own vector store
 * ({@link #embeddingStore(InProcessModel)}) and the caching models route each question to one of them.
 */
public final class PromptCacheBackend implements AutoCloseable {

    private final EmbeddingModel embeddingModel;
    private final RedisCache redis;
    private final EmbeddingStore<TextSegment> embeddingStore;
    private final Map<InProcessModel, EmbeddingStore<TextSegment>> modelStores = new EnumMap<>(InProcessModel.class);
    private final CacheStore defaultStore;

    PromptCacheBackend(PromptCacheProperties props, EmbeddingModel ownEmbeddingModel, EmbeddingStore<TextSegment> ownEmbeddingStore) {
        props.validate();
        EmbeddingModel model = ownEmbeddingModel != null ? ownEmbeddingModel : ollama(props);
        if (model == null && ownEmbeddingStore != null) {
            model = EmbeddingModels.inProcess(); // one store was given: one model fills it, as in 0.2
        }
        this.embeddingModel = model;
        if (model == null) {
            EmbeddingModels.inProcess(); // says which jar is missing, at start
        }
        if (props.getStore().redis()) {
            RedisConfig config = RedisConfig.builder().url(props.getStore().getUrl()).keyPrefix(props.getStore().getKeyPrefix()).build();
            RedisCache.Builder b = RedisCache.builder().config(config)
                    .maxEntriesPerTenant(props.getMaxEntriesPerTenant()).ttl(props.getTtl());
            if (model != null && ownEmbeddingStore == null) {
                b.dimension(EmbeddingModels.dimension(model, props.getEmbedding().getOllama().getDimension(),
                        "promptcache.embedding.ollama.dimension"));
            }
            this.redis = b.build();
            this.defaultStore = redis.cacheStore();
            this.embeddingStore = model == null ? null : ownEmbeddingStore != null ? ownEmbeddingStore : redis.embeddingStore();
        } else {
            this.redis = null;
            this.defaultStore = InMemoryCacheStore.builder().maxEntriesPerTenant(props.getMaxEntriesPerTenant()).build();
            this.embeddingStore = model == null ? null : ownEmbeddingStore != null ? ownEmbeddingStore : new InMemoryVectorStore();
        }
    }

    private static EmbeddingModel ollama(PromptCacheProperties props) {
        PromptCacheProperties.Embedding e = props.getEmbedding();
        if (e.getProvider().toLowerCase(Locale.ROOT).equals("ollama")) {
            return EmbeddingModels.ollama(e.getOllama().getBaseUrl(), e.getOllama().getModelName(), e.getOllama().getTimeout());
        }
        return null;
    }

    /** The one embedder of every question, or null for the in-process default (see {@link #embeddingStore(InProcessModel)}). */
    public EmbeddingModel embeddingModel() {
        return embeddingModel;
    }

    /** The vector store of {@link #embeddingModel()}, or null for the in-process default. */
    public EmbeddingStore<TextSegment> embeddingStore() {
        return embeddingStore;
    }

    /** The vector store of one in-process model, shared by every wrapped model. */
    public synchronized EmbeddingStore<TextSegment> embeddingStore(InProcessModel model) {
        return modelStores.computeIfAbsent(model, m -> redis != null ? redis.embeddingStore(m) : new InMemoryVectorStore());
    }

    /** How each vector store searches: memory, or the Redis mode (local, server; auto until Redis has answered). */
    public synchronized Map<String, String> vectorSearch() {
        Map<String, String> out = new java.util.TreeMap<>();
        if (embeddingStore != null) {
            out.put("single", describe(embeddingStore));
        }
        modelStores.forEach((model, store) -> out.put(model.space(), describe(store)));
        return out;
    }

    private static String describe(EmbeddingStore<TextSegment> store) {
        if (store instanceof io.promptcache.redis.RedisEmbeddingStore redisStore) {
            return "redis-" + redisStore.mode().name().toLowerCase(Locale.ROOT);
        }
        return store instanceof InMemoryVectorStore
                || store.getClass().getName().equals("dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore") ? "memory" : store.getClass().getSimpleName();
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
