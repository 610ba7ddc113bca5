package io.promptcache.spring;

import io.promptcache.AbstractCachingModel;
import io.promptcache.CacheDependency;
import io.promptcache.DependencyHealth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The state behind the health component {@code promptcache}, apart from Spring Boot's health API (which
 * moved between Boot 3 and Boot 4): each dependency's state as the wrapped models see it, the vector-search
 * mode and warm-up. The cache fails open, so it is UP while it serves or passes calls through; only with
 * {@code promptcache.health.out-of-service-when-store-down} does a down store make it OUT_OF_SERVICE.
 */
final class PromptCacheHealth {

    /** What a health indicator reports: out of service or not, and the details. */
    record Report(boolean outOfService, Map<String, Object> details) {
    }

    private final WrappedModels models;
    private final PromptCacheBackend backend;
    private final PromptCacheProperties properties;

    PromptCacheHealth(WrappedModels models, PromptCacheBackend backend, PromptCacheProperties properties) {
        this.models = models;
        this.backend = backend;
        this.properties = properties;
    }

    Report report() {
        Map<CacheDependency, String> dependencies = new LinkedHashMap<>();
        boolean warmingUp = false;
        for (AbstractCachingModel model : models.all().values()) {
            warmingUp |= model.warmingUp();
            for (DependencyHealth h : model.metrics().snapshot().health().values()) {
                // down in any wrapped model is down: they share the store and the embedder
                if (!h.up()) {
                    dependencies.put(h.dependency(), "down (" + h.lastFault() + ")");
                } else {
                    dependencies.putIfAbsent(h.dependency(), "up");
                }
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        Map<String, String> deps = new LinkedHashMap<>();
        dependencies.forEach((d, state) -> deps.put(d.wireName(), state));
        details.put("dependencies", deps);
        details.put("store", properties.getStore().redis() ? "redis" : "memory");
        details.put("vectorSearch", backend == null ? Map.of() : backend.vectorSearch());
        details.put("warmingUp", warmingUp);
        details.put("models", models.all().size());
        boolean storeDown = dependencies.getOrDefault(CacheDependency.STORE, "up").startsWith("down");
        details.put("servingFromCache", !storeDown);
        return new Report(storeDown && properties.getHealth().isOutOfServiceWhenStoreDown(), details);
    }
}
