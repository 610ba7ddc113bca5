package io.promptcache.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.promptcache.AbstractCachingModel;
import io.promptcache.CacheListener;
import io.promptcache.metrics.PromptCacheMeters;
import io.promptcache.metrics.PromptCacheObservations;

import java.util.Optional;

/**
 * Micrometer, kept apart so that the auto-configuration loads without it: each wrapped model's meters in
 * the application's registry, tagged with the bean's name (bounded), and an observation per call.
 */
final class MicrometerBinding {

    private final MeterRegistry meters;
    private final ObservationRegistry observations;

    MicrometerBinding(MeterRegistry meters, ObservationRegistry observations) {
        this.meters = meters;
        this.observations = observations;
    }

    void bind(String beanName, AbstractCachingModel model) {
        if (meters != null) {
            PromptCacheMeters.bind(model, meters, "bean", beanName);
        }
    }

    /** The opt-in per-tenant counter, when there is a meter registry. */
    Optional<CacheListener> tenantListener() {
        return Optional.ofNullable(meters).map(PromptCacheMeters::tenantRequests);
    }

    Optional<CacheListener> observationListener() {
        return Optional.ofNullable(observations).map(PromptCacheObservations::listener);
    }
}
