package io.promptcache.spring;

import io.promptcache.AbstractCachingModel;
import io.promptcache.springai.PromptCacheAdvisor;
import io.promptcache.springai.SpringAiCachingChatModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

import java.util.List;

/**
 * PromptCache for Spring AI 2.0, beside the LangChain4j auto-configuration and with the same {@code promptcache.*}
 * properties, store, meters, endpoint, health and erasure. Active when Spring AI is on the class path. With
 * {@code promptcache.spring-ai.mode=model} (the default) every Spring AI {@code ChatModel} bean answers through the
 * cache, so every {@code ChatClient} does; with {@code advisor}, none is wrapped and a {@link PromptCacheAdvisor} bean
 * is offered for the clients that should use it. A bean named in {@code promptcache.exclude} is left as it is.
 */
@AutoConfiguration(after = PromptCacheAutoConfiguration.class)
@ConditionalOnClass(name = {"org.springframework.ai.chat.model.ChatModel", "reactor.core.publisher.Flux"})
@ConditionalOnProperty(prefix = "promptcache", name = "enabled", havingValue = "true", matchIfMissing = true)
public class PromptCacheSpringAiAutoConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(PromptCacheSpringAiAutoConfiguration.class);

    @Bean
    @ConditionalOnProperty(prefix = "promptcache.spring-ai", name = "mode", havingValue = "model", matchIfMissing = true)
    static BeanPostProcessor promptCacheSpringAiModelPostProcessor(ObjectProvider<PromptCacheProperties> properties,
                                                                   ObjectProvider<CachingModelPostProcessor> models) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (!(bean instanceof org.springframework.ai.chat.model.ChatModel chat)
                        || bean instanceof SpringAiCachingChatModel) {
                    return bean;
                }
                PromptCacheProperties props = properties.getObject();
                if (props.getExclude().contains(beanName)) {
                    return bean;
                }
                CachingModelPostProcessor settings = models.getObject();
                SpringAiCachingChatModel cached = SpringAiCachingChatModel.builder().delegate(chat)
                        .cache(b -> settings.configure(b, props)).build();
                register(settings, beanName, cached.cachingModels());
                LOG.info("PromptCache: Spring AI bean '{}' answers through the cache ({})", beanName,
                        props.getStore().redis() ? "Redis" : "in memory");
                return cached;
            }
        };
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnClass(name = "org.springframework.ai.chat.client.advisor.api.CallAdvisor")
    @ConditionalOnProperty(prefix = "promptcache.spring-ai", name = "mode", havingValue = "advisor")
    PromptCacheAdvisor promptCacheAdvisor(PromptCacheProperties properties, ObjectProvider<CachingModelPostProcessor> models) {
        CachingModelPostProcessor settings = models.getObject();
        PromptCacheAdvisor advisor = PromptCacheAdvisor.builder().cache(b -> settings.configure(b, properties)).build();
        register(settings, "promptCacheAdvisor", advisor.cachingModels());
        return advisor;
    }

    /** Blocking side under the bean's name, streaming side under {@code name-stream}: meters and the endpoint tell them apart. */
    private static void register(CachingModelPostProcessor settings, String name, List<AbstractCachingModel> models) {
        settings.register(name, models.get(0));
        settings.register(name + "-stream", models.get(1));
    }
}
