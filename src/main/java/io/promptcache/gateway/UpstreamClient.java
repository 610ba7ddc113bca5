package io.promptcache.gateway;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * HTTP to the upstream provider: one client, HTTP/1.1 with kept-alive connections, a timeout on every exchange.
 * Paths are relative to the upstream base URL as OpenAI clients take it ({@code https://api.deepseek.com},
 * {@code https://api.openai.com/v1}): the gateway's {@code /v1/chat/completions} is the upstream's
 * {@code BASE/chat/completions}.
 */
final class UpstreamClient {

    /** Headers that belong to one connection, or that the JDK client sets itself; never passed on. */
    private static final Set<String> NOT_PASSED = Set.of("host", "connection", "content-length", "transfer-encoding",
            "keep-alive", "upgrade", "te", "trailer", "expect", "proxy-authorization", "proxy-connection",
            "accept-encoding", "http2-settings");

    private final String base;
    private final Duration timeout;
    private final HttpClient http;

    UpstreamClient(URI base, Duration timeout) {
        String b = base.toString();
        this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10)).build();
    }

    Duration timeout() {
        return timeout;
    }

    String base() {
        return base;
    }

    /** True for a client header the upstream should see too. */
    static boolean passOn(String name, String tenantHeader) {
        String n = name.toLowerCase(Locale.ROOT);
        return !NOT_PASSED.contains(n) && !n.startsWith("x-promptcache-") && !n.equals(tenantHeader)
                && !n.equals("cache-control");
    }

    /** A whole reply. */
    record Reply(int status, Map<String, List<String>> headers, byte[] body) {
        String contentType() {
            return headers.getOrDefault("content-type", List.of("application/json")).get(0);
        }
    }

    /**
     * One exchange, read whole.
     *
     * @throws UpstreamException timeout or no connection (a reply of any status is returned, not thrown)
     */
    Reply exchange(String method, String path, byte[] body, Map<String, String> headers) {
        HttpRequest request = request(method, path, body, headers).build();
        CompletableFuture<HttpResponse<byte[]>> future = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        try {
            HttpResponse<byte[]> response = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Reply(response.statusCode(), response.headers().map(), response.body());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw UpstreamException.timeout(timeout);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw UpstreamException.unreachable("interrupted");
        } catch (ExecutionException | CancellationException e) {
            throw failure(e.getCause() == null ? e : e.getCause());
        }
    }

    /**
     * Starts a streamed exchange: {@code lines} receives the body line by line when the status is 200; any other
     * status ends in {@code onReply} with the whole body. The returned future completes when the body has ended
     * (or fails on a fault); cancelling it closes the connection.
     */
    CompletableFuture<Void> stream(String path, byte[] body, Map<String, String> headers,
                                   Flow.Subscriber<String> lines, java.util.function.Consumer<Reply> onReply) {
        HttpRequest request = request("POST", path, body, headers).header("Accept", "text/event-stream").build();
        HttpResponse.BodyHandler<Void> handler = info -> info.statusCode() == 200
                ? HttpResponse.BodySubscribers.fromLineSubscriber(lines, s -> (Void) null, java.nio.charset.StandardCharsets.UTF_8, null)
                : HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofByteArray(), bytes -> {
                    onReply.accept(new Reply(info.statusCode(), info.headers().map(), bytes));
                    return null;
                });
        return http.sendAsync(request, handler).thenApply(HttpResponse::body);
    }

    private HttpRequest.Builder request(String method, String path, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .method(method, body == null || body.length == 0 && !method.equals("POST")
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach((name, value) -> {
            try {
                b.header(name, value);
            } catch (IllegalArgumentException restricted) {
                // a header the JDK client sets itself: it sets it
            }
        });
        return b;
    }

    UpstreamException failure(Throwable cause) {
        if (cause instanceof UpstreamException u) {
            return u;
        }
        if (cause instanceof HttpConnectTimeoutException) {
            return UpstreamException.unreachable("no connection within the timeout");
        }
        if (cause instanceof HttpTimeoutException) {
            return UpstreamException.timeout(timeout);
        }
        if (cause instanceof IOException io) {
            return UpstreamException.unreachable(io.getMessage() == null ? "connection failed" : io.getMessage());
        }
        return UpstreamException.unreachable(String.valueOf(cause.getMessage()));
    }
}
