package io.promptcache.spring;

import jakarta.servlet.Filter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/** In a servlet application, a filter that opens each request's {@code CacheScope}. */
@AutoConfiguration(after = PromptCacheAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({Filter.class, FilterRegistrationBean.class})
@ConditionalOnBean(PromptCacheBackend.class)
@ConditionalOnProperty(prefix = "promptcache.web", name = "enabled", havingValue = "true", matchIfMissing = true)
public class PromptCacheWebAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    CacheScopeResolver promptCacheScopeResolver(PromptCacheProperties properties) {
        return new HeaderCacheScopeResolver(properties.getWeb().getTenantHeader(), properties.getWeb().getUserHeader(),
                properties.getDefaultTenant());
    }

    @Bean
    FilterRegistrationBean<CacheScopeFilter> promptCacheScopeFilter(CacheScopeResolver resolver) {
        FilterRegistrationBean<CacheScopeFilter> registration = new FilterRegistrationBean<>(new CacheScopeFilter(resolver));
        // After security (which sets the principal), before the application's own code.
        registration.setOrder(Ordered.LOWEST_PRECEDENCE - 100);
        return registration;
    }
}
