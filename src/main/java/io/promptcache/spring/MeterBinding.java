package io.promptcache.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.promptcache.AbstractCachingModel;
import io.promptcache.metrics.PromptCacheMeters;

/** Binds each wrapped model's meters to the application's registry, tagged with the bean's name (bounded). */
final class MeterBinding {

    private final MeterRegistry registry;

    MeterBinding(MeterRegistry registry) {
        this.registry = registry;
    }

    void bind(String beanName, AbstractCachingModel model) {
        PromptCacheMeters.bind(model, registry, "bean", beanName);
    }
}
