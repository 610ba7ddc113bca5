package io.promptcache.gateway;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.promptcache.CachingChatModel;
import io.promptcache.CachingModelBuilder;
import io.promptcache.CachingStreamingChatModel;
import io.promptcache.metrics.PromptCacheMeters;
import io.promptcache.store.CacheStore;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * An OpenAI-compatible HTTP server in front of an OpenAI-compatible provider, with the library's cache between
 * them: {@code POST /v1/chat/completions}, blocking and streamed, answered by the provider or from the cache, in
 * the provider's shape, with {@code X-PromptCache-Source} saying which. Built on Netty's HTTP codec
 * (docs/gateway.md says why). One cache serves both kinds of call: the blocking and the streaming model are
 * configured with the same store and vector stores.
 *
 * <pre>{@code
 * try (Gateway gateway = Gateway.builder().upstream(URI.create("https://api.deepseek.com")).port(8080).build().start()) {
 *     ...
 * }
 * }</pre>
 */
public final class Gateway implements AutoCloseable {

    public static final URI DEFAULT_UPSTREAM = URI.create("https://api.deepseek.com");
    public static final Duration DEFAULT_UPSTREAM_TIMEOUT = Duration.ofMinutes(10);
    public static final int DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Builder settings;
    private final UpstreamClient upstream;
    private final CachingChatModel chat;
    private final CachingStreamingChatModel streaming;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<AutoCloseable> bindings = new ArrayList<>();
    private final KnownRequests known;
    private NettyServer server;

    private Gateway(Builder b) {
        this.settings = b;
        this.upstream = new UpstreamClient(b.upstream, b.upstreamTimeout);
        this.known = new KnownRequests(b.knownRequests);
        CachingChatModel.Builder chatBuilder = CachingChatModel.builder().delegate(new UpstreamChatModel(upstream));
        CachingStreamingChatModel.Builder streamBuilder = CachingStreamingChatModel.builder()
                .delegate(new UpstreamStreamingChatModel(upstream));
        for (CachingModelBuilder<?> each : List.<CachingModelBuilder<?>>of(chatBuilder, streamBuilder)) {
            // the body goes upstream as the client wrote it: keys must be of that body, not of a re-laid-out one
            each.canonicalLayout(false).cacheToolCallResponses(b.cacheToolCalls);
            b.cache.accept(each);
        }
        this.chat = chatBuilder.build();
        this.streaming = streamBuilder.build();
        bindings.add(PromptCacheMeters.bind(chat, registry, "bean", "gateway-chat"));
        bindings.add(PromptCacheMeters.bind(streaming, registry, "bean", "gateway-stream"));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts listening; returns once the gateway answers. */
    public synchronized Gateway start() {
        if (server != null) {
            return this;
        }
        GatewayHandler routes = new GatewayHandler(this);
        NettyServer s = new NettyServer(settings.host, settings.port, settings.maxBodyBytes, settings.maxThreads,
                routes::tryInline, routes::handle, routes::tooLarge);
        try {
            s.start();
        } catch (Exception e) {
            closeModels();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("the gateway could not listen on " + settings.host + ":" + settings.port
                    + " (" + e.getMessage() + ")", e);
        }
        this.server = s;
        return this;
    }

    /**
     * Waits until the embedder has loaded (until then the semantic tier is skipped and calls pass on uncached by
     * it), at most {@code max}; true when it has.
     */
    public boolean awaitWarmUp(Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (chat.warmingUp() || streaming.warmingUp()) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** The port it listens on (the one the system chose, for port 0). */
    public int port() {
        return server.port();
    }

    /** {@code http://HOST:PORT}, the base URL a client is given, with {@code /v1} after it. */
    public String baseUrl() {
        String host = settings.host.contains(":") ? "[" + settings.host + "]" : settings.host;
        return "http://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + port();
    }

    public URI upstream() {
        return settings.upstream;
    }

    CachingChatModel chat() {
        return chat;
    }

    CachingStreamingChatModel streaming() {
        return streaming;
    }

    CacheStore store() {
        return chat.store();
    }

    KnownRequests known() {
        return known;
    }

    UpstreamClient upstreamClient() {
        return upstream;
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    Builder settings() {
        return settings;
    }

    /**
     * Stops: refuses new requests, lets the ones in flight finish (up to the stop timeout), then closes the cache;
     * an answer being stored is stored whole or not at all.
     */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(settings.stopTimeout);
            server = null;
        }
        if (!closed) {
            closeModels();
        }
    }

    private boolean closed;

    private void closeModels() {
        closed = true;
        for (AutoCloseable binding : bindings) {
            try {
                binding.close();
            } catch (Exception ignored) {
                // meters only
            }
        }
        bindings.clear();
        chat.close();
        streaming.close();
        for (Runnable r : settings.onClose) {
            r.run();
        }
    }

    /** Settings of a {@link Gateway}. */
    public static final class Builder {
        private URI upstream = DEFAULT_UPSTREAM;
        private String host = "127.0.0.1";
        private int port = 8080;
        private Duration upstreamTimeout = DEFAULT_UPSTREAM_TIMEOUT;
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private String tenantHeader;
        private String sharedTenant;
        private String adminToken;
        private boolean cacheToolCalls;
        private int maxThreads = 200;
        private int knownRequests = 10_000;
        private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
        private Consumer<CachingModelBuilder<?>> cache = b -> { };
        private final List<Runnable> onClose = new ArrayList<>();

        private Builder() {
        }

        /** The provider's base URL as OpenAI clients take it (default DeepSeek's, {@code https://api.deepseek.com}). */
        public Builder upstream(URI upstream) {
            Objects.requireNonNull(upstream, "upstream");
            String scheme = upstream.getScheme() == null ? "" : upstream.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || upstream.getHost() == null) {
                throw new IllegalArgumentException("the upstream must be an http:// or https:// URL, was '" + upstream + "'");
            }
            this.upstream = upstream;
            return this;
        }

        /** The address to listen on (default 127.0.0.1; 0.0.0.0 for every interface). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The port (default 8080; 0 for a free one). */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("the port must be 0 to 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /** How long the provider may take to answer whole, or between two streamed chunks; past it, a 504. */
        public Builder upstreamTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("the upstream timeout must be positive, was " + timeout);
            }
            this.upstreamTimeout = timeout;
            return this;
        }

        /** The largest request body accepted; a larger one gets a 413 (default 8 MiB). */
        public Builder maxBodyBytes(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("the body limit must be at least 1024 bytes, was " + bytes);
            }
            this.maxBodyBytes = bytes;
            return this;
        }

        /**
         * A request header that names the tenant (e.g. {@code X-Tenant}); without it, or when a request does not
         * send it, the tenant is derived from a hash of the caller's API key.
         */
        public Builder tenantHeader(String header) {
            this.tenantHeader = header == null || header.isBlank() ? null : header.trim().toLowerCase(Locale.ROOT);
            return this;
        }

        /** Every caller without a tenant header shares this tenant, whatever its API key (off by default). */
        public Builder sharedTenant(String tenant) {
            if (tenant != null) {
                io.promptcache.CacheScope.checkId("tenant", tenant);
            }
            this.sharedTenant = tenant;
            return this;
        }

        /** The token the admin operations require as {@code Authorization: Bearer TOKEN}; null turns them off. */
        public Builder adminToken(String token) {
            if (token != null && token.strip().length() < 16) {
                throw new IllegalArgumentException("the admin token must be at least 16 characters");
            }
            this.adminToken = token == null ? null : token.strip();
            return this;
        }

        /** Store answers that ask for tool calls, as the library's {@code cacheToolCallResponses} (off by default). */
        public Builder cacheToolCalls(boolean on) {
            this.cacheToolCalls = on;
            return this;
        }

        /**
         * How many request bodies the gateway remembers the entry of, to serve their repeats by the entry's id
         * without parsing them again (default 10,000; 0 turns it off). The store is read on every hit all the same.
         */
        public Builder knownRequests(int bodies) {
            if (bodies < 0) {
                throw new IllegalArgumentException("knownRequests must not be negative, was " + bodies);
            }
            this.knownRequests = bodies;
            return this;
        }

        public Builder maxThreads(int threads) {
            if (threads < 16) {
                throw new IllegalArgumentException("the gateway needs at least 16 threads, was " + threads);
            }
            this.maxThreads = threads;
            return this;
        }

        /** How long a stop waits for requests in flight (default 30 s). */
        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = Objects.requireNonNull(timeout, "stopTimeout");
            return this;
        }

        /**
         * Configures the cache (store, embedder, TTL, threshold …) on both caching models; give both the same
         * store objects, so that they share one cache.
         */
        public Builder cache(Consumer<CachingModelBuilder<?>> cache) {
            this.cache = Objects.requireNonNull(cache, "cache");
            return this;
        }

        /** Runs after the gateway has stopped and closed its models: to close a store it was given. */
        public Builder onClose(Runnable action) {
            onClose.add(Objects.requireNonNull(action, "action"));
            return this;
        }

        public Gateway build() {
            return new Gateway(this);
        }

        String tenantHeader() {
            return tenantHeader;
        }

        String sharedTenant() {
            return sharedTenant;
        }

        String adminToken() {
            return adminToken;
        }

        int maxBodyBytes() {
            return maxBodyBytes;
        }
    }
}
