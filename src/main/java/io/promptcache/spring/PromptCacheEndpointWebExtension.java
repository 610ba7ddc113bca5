package io.promptcache.spring;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

import java.util.Map;

/**
 * The {@code promptcache} endpoint over HTTP, with a status per answer: 503 and a JSON body naming the
 * dependency while the store is down (never a 500), 400 for an invalid tenant id, 404 for nothing to remove.
 */
@EndpointWebExtension(endpoint = PromptCacheEndpoint.class)
public class PromptCacheEndpointWebExtension {

    private final PromptCacheEndpoint endpoint;

    public PromptCacheEndpointWebExtension(PromptCacheEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @ReadOperation
    public WebEndpointResponse<Map<String, Object>> read() {
        return response(endpoint.readResult());
    }

    @DeleteOperation
    public WebEndpointResponse<Map<String, Object>> delete(String tenant, @Nullable String entry) {
        return response(endpoint.deleteResult(tenant, entry));
    }

    static WebEndpointResponse<Map<String, Object>> response(PromptCacheEndpoint.Result result) {
        return new WebEndpointResponse<>(result.body(), result.status());
    }

    /** See {@link PromptCacheEndpoint.Boot3}: Spring Framework 6 reads only Spring's own {@code @Nullable}. */
    static final class Boot3 extends PromptCacheEndpointWebExtension {
        private final PromptCacheEndpoint endpoint;

        Boot3(PromptCacheEndpoint endpoint) {
            super(endpoint);
            this.endpoint = endpoint;
        }

        @Override
        @DeleteOperation
        @SuppressWarnings("deprecation")
        public WebEndpointResponse<Map<String, Object>> delete(String tenant, @org.springframework.lang.Nullable String entry) {
            return response(endpoint.deleteResult(tenant, entry));
        }
    }
}
