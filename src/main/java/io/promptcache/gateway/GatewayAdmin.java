package io.promptcache.gateway;

import io.promptcache.AbstractCachingModel;
import io.promptcache.CacheDependency;
import io.promptcache.CacheMetrics;
import io.promptcache.CacheScope;
import io.promptcache.DependencyHealth;
import io.promptcache.store.CacheEntry;
import io.promptcache.store.CacheStore;
import io.promptcache.store.EntryPage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway's own operations: health for an orchestrator, and the cache's admin operations (what it holds, and
 * erasure by tenant, entry or question) behind a bearer token that the command reads from a file.
 */
final class GatewayAdmin {

    /** Most entries one {@code GET /admin/entries} returns. */
    static final int MAX_PAGE = 500;

    private final Gateway gateway;

    GatewayAdmin(Gateway gateway) {
        this.gateway = gateway;
    }

    /**
     * {@code /health} and {@code /health/live}: the process answers. {@code /health/ready}: the same, with the
     * store and the embedder as the cache sees them. The gateway fails open, so a down store leaves it ready
     * (status {@code DEGRADED}): answers stay correct, only uncached.
     */
    void health(String path, Exchange response) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (path.equals("/health") || path.equals("/health/ready")) {
            Map<String, String> deps = new LinkedHashMap<>();
            deps.put(CacheDependency.STORE.wireName(), "up");
            boolean warming = false;
            for (AbstractCachingModel model : List.of(gateway.chat(), gateway.streaming())) {
                warming |= model.warmingUp();
                for (DependencyHealth h : model.metrics().snapshot().health().values()) {
                    if (!h.up()) {
                        deps.put(h.dependency().wireName(), "down (" + h.lastFault() + ")");
                    } else {
                        deps.putIfAbsent(h.dependency().wireName(), "up");
                    }
                }
            }
            boolean degraded = deps.values().stream().anyMatch(s -> s.startsWith("down"));
            out.put("status", degraded ? "DEGRADED" : "UP");
            out.put("dependencies", deps);
            out.put("warmingUp", warming);
            out.put("upstream", gateway.upstream().toString());
        } else if (path.equals("/health/live")) {
            out.put("status", "UP");
        } else {
            throw new GatewayError(404, "invalid_request_error", null, "unknown_url",
                    "Unknown path " + path + ": /health, /health/live, /health/ready.");
        }
        json(response, 200, out);
    }

    void handle(Exchange request, Exchange response, String path) {
        String token = gateway.settings().adminToken();
        if (token == null) {
            throw new GatewayError(404, "invalid_request_error", null, "admin_off",
                    "The admin operations are off: start the gateway with --admin-token-file FILE.");
        }
        String auth = request.header("Authorization");
        String given = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).strip() : "";
        if (!MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
            throw new GatewayError(401, "invalid_request_error", null, "invalid_admin_token",
                    "The admin operations need 'Authorization: Bearer TOKEN' with the token of --admin-token-file.");
        }
        Query query = new Query(request.query());
        String method = request.method();
        CacheStore store = gateway.store();
        try {
            switch (method + " " + path) {
                case "GET /admin/stats" -> json(response, 200, stats(store));
                case "GET /admin/entries" -> json(response, 200, entries(store, tenant(query, true), query));
                case "DELETE /admin/entries" -> clear(response, store, query);
                default -> throw new GatewayError(404, "invalid_request_error", null, "unknown_url",
                        "Unknown admin operation " + method + " " + path
                                + ": GET /admin/stats, GET /admin/entries?tenant=T, DELETE /admin/entries?tenant=T[&entry=ID|&question=TEXT].");
            }
        } catch (GatewayError e) {
            throw e;
        } catch (RuntimeException down) {
            throw new GatewayError(503, "server_error", null, "store_unavailable",
                    "The cache's store is unavailable; nothing was changed that running the request again would not finish.");
        }
    }

    private static String tenant(Query query, boolean required) {
        String tenant = query.getValue("tenant");
        if (tenant == null) {
            if (required) {
                throw GatewayError.invalid("tenant", "Missing query parameter 'tenant'.");
            }
            return null;
        }
        try {
            CacheScope.checkId("tenant", tenant);
        } catch (IllegalArgumentException bad) {
            throw GatewayError.invalid("tenant", "The tenant is not a usable id: " + bad.getMessage() + ".");
        }
        return tenant;
    }

    private Map<String, Object> stats(CacheStore store) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Map<String, Object>> tenants = new ArrayList<>();
        for (String tenant : store.tenants()) {
            tenants.add(store.stats(tenant).asMap());
        }
        out.put("tenants", tenants);
        Map<String, Object> models = new LinkedHashMap<>();
        models.put("chat", counts(gateway.chat().metrics().snapshot()));
        models.put("stream", counts(gateway.streaming().metrics().snapshot()));
        out.put("requests", models);
        return out;
    }

    private static Map<String, Object> counts(CacheMetrics.Snapshot s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requests", s.requests());
        m.put("exactHits", s.exactHits());
        m.put("semanticHits", s.semanticHits());
        m.put("misses", s.misses());
        m.put("sharedFlights", s.sharedFlights());
        m.put("hitRatio", Math.round(s.hitRatio() * 1000) / 1000.0);
        return m;
    }

    private static Map<String, Object> entries(CacheStore store, String tenant, Query query) {
        int limit = MAX_PAGE;
        String l = query.getValue("limit");
        if (l != null) {
            try {
                limit = Integer.parseInt(l);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_PAGE) {
                throw GatewayError.invalid("limit", "'limit' must be 1 to " + MAX_PAGE + ", was '" + l + "'.");
            }
        }
        EntryPage page = store.page(tenant, query.getValue("cursor"), limit);
        List<Map<String, Object>> entries = new ArrayList<>();
        for (CacheEntry e : page.entries()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", e.id());
            m.put("question", e.question());
            m.put("model", e.response().modelName());
            m.put("createdAt", Instant.ofEpochMilli(e.createdAt()).toString());
            m.put("hits", e.hitCount());
            m.put("expiresAt", e.expiresAt() == 0 ? null : Instant.ofEpochMilli(e.expiresAt()).toString());
            entries.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tenant", tenant);
        out.put("entries", entries);
        out.put("nextCursor", page.nextCursor());
        return out;
    }

    /** Erasure: a whole tenant, one entry, or every entry of one question. */
    private static void clear(Exchange response, CacheStore store, Query query) {
        String tenant = tenant(query, true);
        String entry = query.getValue("entry");
        String question = query.getValue("question");
        if (entry != null && question != null) {
            throw GatewayError.invalid("entry", "Give 'entry' or 'question', not both.");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tenant", tenant);
        long removed;
        if (entry != null) {
            out.put("entry", entry);
            removed = store.remove(tenant, entry) ? 1 : 0;
        } else if (question != null) {
            out.put("question", question);
            removed = 0;
            String cursor = null;
            do {
                EntryPage page = store.page(tenant, cursor, MAX_PAGE);
                for (CacheEntry e : page.entries()) {
                    if (question.equals(e.question()) && store.remove(tenant, e.id())) {
                        removed++;
                    }
                }
                cursor = page.nextCursor();
            } while (cursor != null);
        } else {
            removed = store.clearTenant(tenant);
        }
        out.put("removed", removed);
        json(response, removed == 0 ? 404 : 200, out);
    }

    /** A decoded query string: the first value of each name. */
    private static final class Query {
        private final java.util.Map<String, java.util.List<String>> values;

        Query(String raw) {
            this.values = new io.netty.handler.codec.http.QueryStringDecoder(raw == null ? "" : raw, false).parameters();
        }

        String getValue(String name) {
            java.util.List<String> v = values.get(name);
            return v == null || v.isEmpty() ? null : v.get(0);
        }
    }

    private static void json(Exchange response, int status, Map<String, Object> body) {
        try {
            GatewayHandler.send(response, status, "application/json",
                    io.promptcache.key.CanonicalJson.mapper().writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
