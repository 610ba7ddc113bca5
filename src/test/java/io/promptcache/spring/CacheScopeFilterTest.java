package io.promptcache.spring;

import io.promptcache.CacheScope;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The servlet filter opens the request's scope from headers or the principal, and closes it. */
class CacheScopeFilterTest {

    final CacheScopeFilter filter = new CacheScopeFilter(new HeaderCacheScopeResolver("X-Tenant-Id", "X-User-Id", "default"));

    AtomicReference<CacheScope> run(MockHttpServletRequest request, MockHttpServletResponse response) throws Exception {
        AtomicReference<CacheScope> seen = new AtomicReference<>();
        filter.doFilter(request, response, new MockFilterChain(new jakarta.servlet.http.HttpServlet() {
            @Override
            protected void service(jakarta.servlet.http.HttpServletRequest req, jakarta.servlet.http.HttpServletResponse res) {
                seen.set(CacheScope.current().orElse(null));
            }
        }));
        return seen;
    }

    @Test
    void headersNameTheTenantAndUser() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.addHeader("X-Tenant-Id", "acme");
        request.addHeader("X-User-Id", "u-42");
        CacheScope scope = run(request, new MockHttpServletResponse()).get();
        assertEquals("acme", scope.tenant());
        assertEquals("u-42", scope.user());
        assertTrue(CacheScope.current().isEmpty(), "closed when the request ends");
    }

    @Test
    void thePrincipalIsTheUserAndTheDefaultTenantApplies() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setUserPrincipal(() -> "alice");
        CacheScope scope = run(request, new MockHttpServletResponse()).get();
        assertEquals("default", scope.tenant());
        assertEquals("alice", scope.user());
        MockHttpServletRequest anonymous = new MockHttpServletRequest();
        assertNull(run(anonymous, new MockHttpServletResponse()).get().user());
    }

    @Test
    void anIdTheScopeRefusesIsABadRequest() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.addHeader("X-Tenant-Id", "x".repeat(CacheScope.MAX_ID_LENGTH + 1));
        MockHttpServletResponse response = new MockHttpServletResponse();
        AtomicReference<CacheScope> seen = run(request, response);
        assertEquals(400, response.getStatus());
        assertNull(seen.get(), "the application never ran in a namespace it did not ask for");
        assertFalse(CacheScope.current().isPresent());
    }
}
