package io.promptcache.spring;

import io.promptcache.AbstractCachingModel;
import io.promptcache.CacheMetrics;
import io.promptcache.CacheScope;
import io.promptcache.DependencyHealth;
import io.promptcache.store.CacheStore;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Actuator endpoint {@code promptcache}: entries, hits and memory per tenant, the hit ratio and
 * health of every wrapped model, and the operating point (read); forgetting a tenant or removing one entry
 * (delete). Exposed only where the application exposes it, as every Actuator endpoint. Over HTTP
 * ({@link PromptCacheEndpointWebExtension}) each answer has its status: 503 naming the dependency while the
 * store is down, 400 for an invalid tenant id, 404 for a tenant or entry the cache does not hold.
 */
@Endpoint(id = "promptcache")
public class PromptCacheEndpoint {

    static final int OK = 200;
    static final int BAD_REQUEST = 400;
    static final int NOT_FOUND = 404;
    static final int UNAVAILABLE = 503;

    private final CacheStore store;
    private final WrappedModels models;
    private final PromptCacheProperties properties;

    public PromptCacheEndpoint(CacheStore store, WrappedModels models, PromptCacheProperties properties) {
        this.store = store;
        this.models = models;
        this.properties = properties;
    }

    /** A body and the HTTP status it goes with. */
    record Result(int status, Map<String, Object> body) {
    }

    @ReadOperation
    public Map<String, Object> read() {
        return readResult().body();
    }

    @DeleteOperation
    public Map<String, Object> delete(String tenant, @Nullable String entry) {
        return deleteResult(tenant, entry).body();
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

    /** What the cache holds; with the store down, everything else and 503 naming it. */
    Result readResult() {
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
                tenants.add(store.stats(tenant).asMap());
            }
        } catch (RuntimeException down) {
            out.put("tenants", List.of());
            return unavailable(out, down);
        }
        out.put("tenants", tenants);
        return new Result(OK, out);
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
        m.put("warmingUp", model.warmingUp());
        io.promptcache.calibration.SelfCalibrator calibrator = model.selfCalibrator();
        if (calibrator != null) {
            Map<String, Object> spaces = new LinkedHashMap<>();
            for (String space : calibrator.spaces()) {
                spaces.put(space, calibration(calibrator, space));
            }
            m.put("selfCalibration", spaces);
        }
        return m;
    }

    /** What one vector space serves with now: numbers and a phase, never a question. */
    private static Map<String, Object> calibration(io.promptcache.calibration.SelfCalibrator calibrator, String space) {
        io.promptcache.calibration.CalibrationState st = calibrator.state(space);
        io.promptcache.calibration.SelfCalibrator.Counts counts = calibrator.counts(space);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("phase", st.phase().name());
        double t = calibrator.threshold(space);
        c.put("threshold", Double.isInfinite(t) ? null : Math.round(t * 10000) / 10000.0);
        c.put("wrongShareBound", Math.round(st.bound() * 10000) / 10000.0);
        c.put("maxWrongShare", calibrator.settings().maxWrongShare());
        c.put("judgedPairs", st.judged());
        c.put("judgedWrong", st.judgedWrong());
        c.put("judgeCalls", st.judgeCalls());
        Map<String, Object> calls = new LinkedHashMap<>();
        for (String result : List.of("same", "different", "failed")) {
            calls.put(result, counts.judgeCalls(result));
        }
        c.put("judgeCallsHere", calls);
        return c;
    }

    /**
     * Forgets a tenant (everything the store keeps about it), or removes only {@code entry} of it. The tenant
     * id is checked as a request's {@code CacheScope} checks it, with the same message as the web filter's 400.
     */
    Result deleteResult(String tenant, String entry) {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            CacheScope.checkId("tenant", tenant);
        } catch (IllegalArgumentException | NullPointerException bad) {
            return new Result(BAD_REQUEST, CacheScopeFilter.invalidId(bad));
        }
        out.put("tenant", tenant);
        try {
            if (entry != null) {
                boolean removed = store.remove(tenant, entry);
                out.put("entry", entry);
                out.put("removed", removed ? 1 : 0);
                if (!removed) {
                    out.put("message", "the cache holds no such entry for this tenant: nothing was removed");
                    return new Result(NOT_FOUND, out);
                }
                return new Result(OK, out);
            }
            boolean known = store.knows(tenant);
            out.put("removed", store.clearTenant(tenant));
            if (!known) {
                out.put("message", "the cache holds nothing for this tenant: nothing was removed");
                return new Result(NOT_FOUND, out);
            }
            return new Result(OK, out);
        } catch (RuntimeException down) {
            return unavailable(out, down);
        }
    }

    private static Result unavailable(Map<String, Object> out, RuntimeException fault) {
        out.put("error", "the cache's store is unavailable; nothing was changed that running the request again would not finish");
        out.put("dependency", "store");
        out.put("fault", fault.getClass().getSimpleName());
        return new Result(UNAVAILABLE, out);
    }

    /**
     * Spring Boot 3 (Spring Framework 6) reads only Spring's own {@code @Nullable} to make an operation's
     * parameter optional; Spring Framework 7 deprecates it and reads JSpecify's, which the class above uses.
     */
    static final class Boot3 extends PromptCacheEndpoint {
        Boot3(CacheStore store, WrappedModels models, PromptCacheProperties properties) {
            super(store, models, properties);
        }

        @Override
        @DeleteOperation
        @SuppressWarnings("deprecation")
        public Map<String, Object> delete(String tenant, @org.springframework.lang.Nullable String entry) {
            return deleteResult(tenant, entry).body();
        }
    }
}
