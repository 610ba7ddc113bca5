package io.promptcache.spring;

import io.promptcache.store.CacheStore;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;

/** The Actuator endpoint, when Actuator is present; it follows Actuator's exposure rules. */
@AutoConfiguration(after = PromptCacheAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnBean(PromptCacheBackend.class)
public class PromptCacheEndpointAutoConfiguration {

    /** Spring Framework 7 (Boot 4) has it, and reads JSpecify's {@code @Nullable}; 6 (Boot 3) reads only Spring's. */
    static final boolean SPRING_7 = ClassUtils.isPresent("org.springframework.core.Nullness",
            PromptCacheEndpointAutoConfiguration.class.getClassLoader());

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(endpoint = PromptCacheEndpoint.class)
    PromptCacheEndpoint promptCacheEndpoint(CacheStore store, WrappedModels models, PromptCacheProperties properties) {
        return SPRING_7 ? new PromptCacheEndpoint(store, models, properties)
                : new PromptCacheEndpoint.Boot3(store, models, properties);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(PromptCacheEndpoint.class)
    @ConditionalOnAvailableEndpoint(endpoint = PromptCacheEndpoint.class)
    PromptCacheEndpointWebExtension promptCacheEndpointWebExtension(PromptCacheEndpoint endpoint) {
        return SPRING_7 ? new PromptCacheEndpointWebExtension(endpoint) : new PromptCacheEndpointWebExtension.Boot3(endpoint);
    }
}
