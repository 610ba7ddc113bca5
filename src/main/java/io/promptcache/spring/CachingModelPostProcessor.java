package io.promptcache.spring;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import io.promptcache.AbstractCachingModel;
import io.promptcache.CachingChatModel;
import io.promptcache.CachingModelBuilder;
import io.promptcache.CachingStreamingChatModel;
import io.promptcache.store.CacheStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Wraps every {@link ChatModel} and {@link StreamingChatModel} bean, the LangChain4j provider starters'
 * included, in a caching model, so {@code @AiService} interfaces and every other injection point get the
 * cache with no code change. A bean that is already a caching model, or whose name is in
 * {@code promptcache.exclude}, is left as it is.
 */
final class CachingModelPostProcessor implements BeanPostProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(CachingModelPostProcessor.class);

    private final ObjectProvider<PromptCacheProperties> properties;
    private final ObjectProvider<PromptCacheBackend> backend;
    private final ObjectProvider<CacheStore> store;
    private final ObjectProvider<WrappedModels> wrapped;
    private final ObjectProvider<MicrometerBinding> micrometer;
    private final ObjectProvider<io.promptcache.calibration.PairJudge> judge;

    CachingModelPostProcessor(ObjectProvider<PromptCacheProperties> properties, ObjectProvider<PromptCacheBackend> backend,
                              ObjectProvider<CacheStore> store, ObjectProvider<WrappedModels> wrapped,
                              ObjectProvider<MicrometerBinding> micrometer,
                              ObjectProvider<io.promptcache.calibration.PairJudge> judge) {
        this.judge = judge;
        this.properties = properties;
        this.backend = backend;
        this.store = store;
        this.wrapped = wrapped;
        this.micrometer = micrometer;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (!(bean instanceof ChatModel) && !(bean instanceof StreamingChatModel)) {
            return bean;
        }
        if (bean instanceof AbstractCachingModel) {
            return bean; // the application wrapped it itself: never twice
        }
        PromptCacheProperties props = properties.getObject();
        if (props.getExclude().contains(beanName)) {
            return bean;
        }
        AbstractCachingModel model;
        if (bean instanceof ChatModel chat) {
            CachingChatModel.Builder b = CachingChatModel.builder().delegate(chat);
            configure(b, props);
            model = b.build();
        } else {
            CachingStreamingChatModel.Builder b = CachingStreamingChatModel.builder().delegate((StreamingChatModel) bean);
            configure(b, props);
            model = b.build();
        }
        register(beanName, model);
        LOG.info("PromptCache: bean '{}' answers through the cache ({})", beanName, props.getStore().redis() ? "Redis" : "in memory");
        return model;
    }

    /** Makes a caching model known to the endpoint, health, erasure and meters, under the name of what it wraps. */
    void register(String name, AbstractCachingModel model) {
        wrapped.getObject().add(name, model);
        micrometer.ifAvailable(m -> m.bind(name, model));
    }

    /** The {@code promptcache.*} settings on a caching model's builder: every front door's models are made alike. */
    void configure(CachingModelBuilder<?> b, PromptCacheProperties props) {
        PromptCacheBackend shared = backend.getObject();
        b.cacheStore(store.getObject())
                .ttl(props.getTtl())
                .lookupTimeout(props.getLookupTimeout())
                .writeTimeout(props.getWriteTimeout())
                .perUserIsolation(props.isPerUserIsolation())
                .defaultTenant(props.getDefaultTenant())
                .canonicalLayout(props.isCanonicalLayout())
                .semanticEnabled(props.getSemantic().isEnabled());
        micrometer.ifAvailable(m -> {
            m.observationListener().ifPresent(b::listener);
            if (props.getMetrics().isTenantTag()) {
                m.tenantListener().ifPresent(b::listener);
            }
        });
        if (props.getSemantic().isEnabled()) {
            if (shared.embeddingModel() != null) {
                b.embeddingModel(shared.embeddingModel()).embeddingStore(shared.embeddingStore());
            } else {
                b.embeddingStores(shared::embeddingStore);
            }
            if (props.getSemantic().getThreshold() != null) {
                b.similarityThreshold(props.getSemantic().getThreshold());
            }
            if (props.getSemantic().getSelfCalibration().isEnabled()) {
                b.selfCalibration(props.getSemantic().getSelfCalibration().toSettings(judge.getIfAvailable()));
            }
        }
    }
}
