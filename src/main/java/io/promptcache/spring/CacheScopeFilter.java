package io.promptcache.spring;

import io.promptcache.CacheScope;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Opens a {@link CacheScope} for the tenant and user of each request and closes it when the request
 * ends, so every model call the request makes on its thread is cached in that tenant's namespace. An id
 * the scope refuses (too long, control characters) is a 400, never a call in someone else's namespace.
 */
public final class CacheScopeFilter implements Filter {

    /** The body of a 400 for an id {@code CacheScope} refuses: the same from this filter and from the endpoint. */
    static java.util.Map<String, Object> invalidId(RuntimeException why) {
        java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("error", "invalid tenant or user id");
        body.put("reason", why.getMessage());
        return body;
    }

    private final CacheScopeResolver resolver;

    public CacheScopeFilter(CacheScopeResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest http)) {
            chain.doFilter(request, response);
            return;
        }
        CacheScopeResolver.Resolved who = resolver.resolve(http);
        CacheScope scope;
        try {
            scope = CacheScope.open(who.tenant(), who.user());
        } catch (IllegalArgumentException | NullPointerException bad) {
            HttpServletResponse http400 = (HttpServletResponse) response;
            http400.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            http400.setContentType("application/json");
            http400.setCharacterEncoding("UTF-8");
            http400.getWriter().write(io.promptcache.key.CanonicalJson.write(invalidId(bad)));
            return;
        }
        try (scope) {
            chain.doFilter(request, response);
        }
    }
}
