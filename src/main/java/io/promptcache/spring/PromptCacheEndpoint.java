package io.promptcache.spring;

import io.promptcache.AbstractCachingModel;
import io.promptcache.CacheMetrics;
import io.promptcache.DependencyHealth;
import io.promptcache.store.CacheStore;
import io.promptcache.store.StoreStats;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.lang.Nullable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Actuator endpoint {@code promptcache}: entries, hits and memory per tenant, the hit ratio and
 * health of every wrapped model, and the operating point (read); clearing a tenant or one entry
 * (delete). Exposed only where the application exposes it, as every Actuator endpoint.
 */
@Endpoint(id = "promptcache")
public class PromptCacheEndpoint {

    private final CacheStore store;
    private final WrappedModels models;
    private final PromptCacheProperties properties;

    public PromptCacheEndpoint(CacheStore store, WrappedModels models, PromptCacheProperties properties) {
        this.store = store;
        this.models = models;
        this.properties = properties;
    }

    /** The configured threshold, else each model's shipped one (one per in-process model, one for Ollama). */
    private Object threshold() {
        if (properties.getSemantic().getThreshold() != null) {
            return properties.getSemantic().getThreshold();
        }
        if ("ollama".equalsIgnoreCase(properties.getEmbedding().getProvider())) {
            return io.promptcache.quality.OperatingPoint.DEFAULT.threshold();
        }
        Map<String, Object> perModel = new LinkedHashMap<>();
        for (io.promptcache.embedding.InProcessModel m : io.promptcache.embedding.InProcessModel.values()) {
            perModel.put(m.id(), io.promptcache.quality.OperatingPoint.shipped(m).threshold());
        }
        return perModel;
    }

    @ReadOperation
    public Map<String, Object> read() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("store", properties.getStore().redis() ? "redis" : "memory");
        Map<String, Object> operatingPoint = new LinkedHashMap<>();
        operatingPoint.put("semanticEnabled", properties.getSemantic().isEnabled());
        operatingPoint.put("threshold", threshold());
        operatingPoint.put("ttl", properties.getTtl().toString());
        operatingPoint.put("maxEntriesPerTenant", properties.getMaxEntriesPerTenant());
        out.put("operatingPoint", operatingPoint);
        Map<String, Object> byModel = new LinkedHashMap<>();
        models.all().forEach((bean, model) -> byModel.put(bean, model(model)));
        out.put("models", byModel);
        List<Map<String, Object>> tenants = new ArrayList<>();
        try {
            for (String tenant : store.tenants()) {
                StoreStats s = store.stats(tenant);
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("tenant", tenant);
                t.put("entries", s.entries());
                t.put("hits", s.hits());
                t.put("memoryBytes", s.memoryBytes());
                tenants.add(t);
            }
            out.put("tenants", tenants);
        } catch (RuntimeException down) {
            out.put("tenants", List.of());
            out.put("storeError", down.getClass().getSimpleName());
        }
        return out;
    }

    private static Map<String, Object> model(AbstractCachingModel model) {
        CacheMetrics.Snapshot s = model.metrics().snapshot();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requests", s.requests());
        m.put("exactHits", s.exactHits());
        m.put("semanticHits", s.semanticHits());
        m.put("hitRatio", Math.round(s.hitRatio() * 1000) / 1000.0);
        Map<String, Object> health = new LinkedHashMap<>();
        for (DependencyHealth h : s.health().values()) {
            health.put(h.dependency().wireName(), h.up() ? "up" : "down (" + h.lastFault() + ")");
        }
        m.put("dependencies", health);
        return m;
    }

    /** Removes a tenant's entries, or only {@code entry} of it. */
    @DeleteOperation
    public Map<String, Object> delete(String tenant, @Nullable String entry) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tenant", tenant);
        out.put("removed", entry == null ? store.clearTenant(tenant) : (store.remove(tenant, entry) ? 1 : 0));
        return out;
    }
}
