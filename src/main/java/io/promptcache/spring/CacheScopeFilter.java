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
            ((HttpServletResponse) response).sendError(HttpServletResponse.SC_BAD_REQUEST, "invalid tenant or user id");
            return;
        }
        try (scope) {
            chain.doFilter(request, response);
        }
    }
}
