package io.promptcache.spring;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The health component {@code promptcache} (turn it off with {@code management.health.promptcache.enabled=false},
 * as any of Boot's). Spring Boot 4 moved the health API to another package, so each generation has its own
 * adapter class, chosen by which API is on the class path; both report {@link PromptCacheHealth}.
 */
@AutoConfiguration(after = PromptCacheAutoConfiguration.class)
@ConditionalOnBean(PromptCacheBackend.class)
@ConditionalOnProperty(prefix = "management.health.promptcache", name = "enabled", havingValue = "true", matchIfMissing = true)
public class PromptCacheHealthAutoConfiguration {

    static final String BEAN = "promptcacheHealthIndicator"; // Boot names the component "promptcache"
    private static final String BOOT3_HEALTH = "org.springframework.boot.actuate.health.HealthIndicator";
    private static final String BOOT4_HEALTH = "org.springframework.boot.health.contributor.HealthIndicator";

    @Bean
    @ConditionalOnMissingBean
    PromptCacheHealth promptCacheHealth(WrappedModels models, PromptCacheBackend backend, PromptCacheProperties properties) {
        return new PromptCacheHealth(models, backend, properties);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = BOOT3_HEALTH)
    static class Boot3 {
        @Bean(BEAN)
        @ConditionalOnMissingBean(name = BEAN)
        PromptCacheHealthIndicators.Boot3 promptcacheHealthIndicator(PromptCacheHealth health) {
            return new PromptCacheHealthIndicators.Boot3(health);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = BOOT4_HEALTH)
    @ConditionalOnMissingClass(BOOT3_HEALTH)
    static class Boot4 {
        @Bean(BEAN)
        @ConditionalOnMissingBean(name = BEAN)
        PromptCacheHealthIndicators.Boot4 promptcacheHealthIndicator(PromptCacheHealth health) {
            return new PromptCacheHealthIndicators.Boot4(health);
        }
    }
}
