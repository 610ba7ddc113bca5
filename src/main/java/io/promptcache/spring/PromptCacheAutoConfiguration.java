package io.promptcache.spring;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.promptcache.store.CacheStore;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wraps every LangChain4j chat model bean in PromptCache. Active when LangChain4j is on the class path
 * and {@code promptcache.enabled} is not false. The store is a bean the application may replace
 * ({@link CacheStore}); so may the embedder and the vector store of the cache, as beans named
 * {@value #EMBEDDING_MODEL_BEAN} and {@value #EMBEDDING_STORE_BEAN} (by name, so that an application's
 * own RAG embedder or store is never taken for the cache's, nor the other way round).
 */
// After the meter and observation registries exist, named in both generations: Spring Boot 4 moved them to
// org.springframework.boot.micrometer.*; a name absent from the class path is ignored.
@AutoConfiguration(afterName = {
        "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration"})
@ConditionalOnClass(ChatModel.class)
@ConditionalOnProperty(prefix = "promptcache", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(PromptCacheProperties.class)
public class PromptCacheAutoConfiguration {

    /** Name of an application's own EmbeddingModel bean for the cache. */
    public static final String EMBEDDING_MODEL_BEAN = "promptCacheEmbeddingModel";
    /** Name of an application's own EmbeddingStore bean for the cache. */
    public static final String EMBEDDING_STORE_BEAN = "promptCacheEmbeddingStore";

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    PromptCacheBackend promptCacheBackend(PromptCacheProperties properties, BeanFactory beans) {
        return new PromptCacheBackend(properties, named(beans, EMBEDDING_MODEL_BEAN, EmbeddingModel.class),
                embeddingStore(beans));
    }

    @SuppressWarnings("unchecked")
    private static EmbeddingStore<TextSegment> embeddingStore(BeanFactory beans) {
        return named(beans, EMBEDDING_STORE_BEAN, EmbeddingStore.class);
    }

    private static <T> T named(BeanFactory beans, String name, Class<T> type) {
        return beans.containsBean(name) ? beans.getBean(name, type) : null;
    }

    /** The cache's entry store; closed with the backend, not on its own. */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    CacheStore promptCacheStore(PromptCacheBackend backend) {
        return backend.defaultStore();
    }

    @Bean
    @ConditionalOnMissingBean
    WrappedModels promptCacheWrappedModels() {
        return new WrappedModels();
    }

    // Static: a BeanPostProcessor is made before the beans it processes; it reaches the rest lazily.
    @Bean
    static CachingModelPostProcessor promptCacheModelPostProcessor(ObjectProvider<PromptCacheProperties> properties,
                                                                   ObjectProvider<PromptCacheBackend> backend,
                                                                   ObjectProvider<CacheStore> store,
                                                                   ObjectProvider<WrappedModels> wrapped,
                                                                   ObjectProvider<MicrometerBinding> micrometer,
                                                                   ObjectProvider<io.promptcache.calibration.PairJudge> judge) {
        return new CachingModelPostProcessor(properties, backend, store, wrapped, micrometer, judge);
    }

    /** Meters and observations, when the application has Micrometer's registries. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class Micrometer {
        @Bean
        MicrometerBinding promptCacheMicrometerBinding(ObjectProvider<MeterRegistry> meters,
                                                       ObjectProvider<io.micrometer.observation.ObservationRegistry> observations) {
            return new MicrometerBinding(meters.getIfAvailable(), observations.getIfAvailable());
        }
    }
}
