package io.promptcache.spring;

import jakarta.servlet.http.HttpServletRequest;

import java.security.Principal;

/**
 * The default resolver: the tenant from a header ({@code X-Tenant-Id}), else the default tenant; the
 * user from a header ({@code X-User-Id}), else the authenticated principal's name, else none. Ids are
 * checked by {@code CacheScope} (length, control characters) and hashed before they reach any key.
 */
public final class HeaderCacheScopeResolver implements CacheScopeResolver {

    private final String tenantHeader;
    private final String userHeader;
    private final String defaultTenant;

    public HeaderCacheScopeResolver(String tenantHeader, String userHeader, String defaultTenant) {
        this.tenantHeader = tenantHeader;
        this.userHeader = userHeader;
        this.defaultTenant = defaultTenant;
    }

    @Override
    public Resolved resolve(HttpServletRequest request) {
        String tenant = blankToNull(request.getHeader(tenantHeader));
        String user = blankToNull(request.getHeader(userHeader));
        if (user == null) {
            Principal principal = request.getUserPrincipal();
            user = principal == null ? null : blankToNull(principal.getName());
        }
        return new Resolved(tenant == null ? defaultTenant : tenant, user);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
