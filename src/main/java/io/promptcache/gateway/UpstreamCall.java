package io.promptcache.gateway;

import io.promptcache.core.ThreadCarrier;
import java.util.Map;

/**
 * What the upstream models need of the client's own request and cannot find in a {@code ChatRequest}: the body
 * as sent and the headers to pass on (the caller's API key among them). The gateway sets it on the request's
 * thread around the cached call; the caching models call their delegate on the caller's thread (the leader's, in a
 * burst), so the delegate finds it there. Never stored, never logged.
 */
final class UpstreamCall {

    private static final ThreadCarrier<UpstreamCall> CARRIER = new ThreadCarrier<>("the gateway's upstream model was called outside a gateway request");

    private final byte[] body;
    private final Map<String, String> headers;
    /** The provider's own body when this call went upstream and got a chat completion, for a faithful reply. */
    private volatile byte[] providerBody;

    UpstreamCall(byte[] body, Map<String, String> headers) {
        this.body = body;
        this.headers = Map.copyOf(headers);
    }

    static UpstreamCall current() {
        return CARRIER.current();
    }

    /** Runs {@code action} with this call current on the thread. */
    <T> T around(java.util.function.Supplier<T> action) {
        return CARRIER.with(this, action);
    }

    byte[] body() {
        return body;
    }

    Map<String, String> headers() {
        return headers;
    }

    byte[] providerBody() {
        return providerBody;
    }

    void providerBody(byte[] body) {
        this.providerBody = body;
    }
}
