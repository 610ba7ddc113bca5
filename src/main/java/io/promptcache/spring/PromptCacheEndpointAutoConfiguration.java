package io.promptcache.spring;

import io.promptcache.store.CacheStore;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** The Actuator endpoint, when Actuator is present; it follows Actuator's exposure rules. */
@AutoConfiguration(after = PromptCacheAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnBean(PromptCacheBackend.class)
public class PromptCacheEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(endpoint = PromptCacheEndpoint.class)
    PromptCacheEndpoint promptCacheEndpoint(CacheStore store, WrappedModels models, PromptCacheProperties properties) {
        return new PromptCacheEndpoint(store, models, properties);
    }
}
