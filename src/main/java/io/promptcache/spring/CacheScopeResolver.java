package io.promptcache.spring;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Who a web request is for: its tenant and, optionally, its user. The filter opens a
 * {@link io.promptcache.CacheScope} with them around the request. Declare a bean of this type to replace
 * the default, which reads headers and the authenticated principal.
 */
@FunctionalInterface
public interface CacheScopeResolver {

    /** Tenant and user of a request; {@code user} may be null. */
    record Resolved(String tenant, String user) {
    }

    Resolved resolve(HttpServletRequest request);
}
