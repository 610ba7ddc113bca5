package io.promptcache.cli;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import io.promptcache.semantic.InMemoryVectorStore;
import io.promptcache.embedding.InProcessModel;
import io.promptcache.gateway.Gateway;
import io.promptcache.quality.InputFileException;
import io.promptcache.quality.TextFiles;
import io.promptcache.redis.RedisCache;
import io.promptcache.store.CacheStore;
import io.promptcache.store.InMemoryCacheStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * {@code promptcache gateway}: the cache as an OpenAI-compatible HTTP server in front of a provider, for agents in
 * any language (docs/gateway.md). Runs until SIGTERM or Ctrl-C, then lets requests in flight finish.
 */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "An OpenAI-compatible caching gateway: point any OpenAI client's base URL at it.")
public final class GatewayCommand implements Callable<Integer> {

    @Option(names = "--upstream", paramLabel = "URL", defaultValue = "https://api.deepseek.com",
            description = "The provider's base URL, as OpenAI clients take it (default: ${DEFAULT-VALUE}).")
    String upstream;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080", description = "Port; 0 for a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--upstream-timeout", paramLabel = "DURATION", defaultValue = "10m", converter = StoreOptions.DurationConverter.class,
            description = "Longest wait for the provider's answer, or between two streamed chunks; then a 504 (default: ${DEFAULT-VALUE}).")
    Duration upstreamTimeout;

    @Option(names = "--max-body", paramLabel = "BYTES", defaultValue = "8388608",
            description = "Largest request body; a larger one gets a 413 (default: ${DEFAULT-VALUE}).")
    int maxBody;

    @Option(names = "--tenant-header", paramLabel = "NAME",
            description = "A request header naming the tenant, e.g. X-Tenant (default: one tenant per API key, by its hash).")
    String tenantHeader;

    @Option(names = "--shared-tenant", paramLabel = "ID",
            description = "Let every API key share this tenant's entries (default: API keys never share).")
    String sharedTenant;

    @Option(names = "--admin-token-file", paramLabel = "FILE",
            description = "File holding the bearer token of the /admin operations (default: they are off).")
    Path adminTokenFile;

    @Option(names = "--cache-tool-calls", description = "Also store answers that ask for tool calls (off by default, as in the library).")
    boolean cacheToolCalls;

    @Option(names = "--threshold", paramLabel = "COSINE", description = "Semantic similarity threshold (default: the shipped operating point).")
    Double threshold;

    @Mixin
    StoreOptions storeOptions = new StoreOptions();

    @Mixin
    EmbeddingOptions embeddingOptions = new EmbeddingOptions();

    private final PrintStream out;
    private final Map<String, String> env;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Gateway running;

    public GatewayCommand() {
        this(System.out, System.getenv());
    }

    GatewayCommand(PrintStream out, Map<String, String> env) {
        this.out = out;
        this.env = env;
    }

    @Override
    public Integer call() throws Exception {
        Gateway.Builder b = Gateway.builder().upstream(upstreamUrl()).host(host).port(port)
                .upstreamTimeout(upstreamTimeout).maxBodyBytes(maxBody).tenantHeader(tenantHeader)
                .sharedTenant(sharedTenant).cacheToolCalls(cacheToolCalls).adminToken(adminToken());
        EmbeddingModel embedder = embeddingOptions.create(env);
        RedisCache redis = storeOptions.openRedis(embedder == null ? null : embeddingOptions.dimension(embedder));
        if (redis != null) {
            b.onClose(redis::close);
        }
        b.cache(oneCache(redis, embedder));
        Gateway gateway = b.build().start();
        running = gateway;
        if (!gateway.awaitWarmUp(Duration.ofMinutes(2))) {
            System.err.println("promptcache gateway: the embedder is still loading; semantic hits begin once it has");
        }
        Thread hook = new Thread(() -> {
            gateway.close(); // in the hook: the JVM waits for requests in flight to finish
            stopped.countDown();
        }, "promptcache-gateway-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("PromptCache gateway at " + gateway.baseUrl() + " (upstream " + gateway.upstream() + ")");
        out.flush();
        stopped.await();
        return 0;
    }

    /** Both caching models on the same store and vector stores: one cache for blocking and streamed calls. */
    private java.util.function.Consumer<io.promptcache.CachingModelBuilder<?>> oneCache(RedisCache redis, EmbeddingModel embedder) {
        CacheStore store = redis != null ? redis.cacheStore()
                : InMemoryCacheStore.builder().maxEntriesPerTenant(storeOptions.maxEntries()).build();
        EmbeddingStore<TextSegment> single = embedder == null ? null
                : redis != null ? redis.embeddingStore() : new InMemoryVectorStore();
        Map<InProcessModel, EmbeddingStore<TextSegment>> perModel = new EnumMap<>(InProcessModel.class);
        Function<InProcessModel, EmbeddingStore<TextSegment>> stores = m -> {
            synchronized (perModel) {
                return perModel.computeIfAbsent(m, k -> redis != null ? redis.embeddingStore(k) : new InMemoryVectorStore());
            }
        };
        return builder -> {
            builder.ttl(storeOptions.ttl).cacheStore(store);
            if (embedder != null) {
                builder.embeddingModel(embedder).embeddingStore(single);
            } else {
                builder.embeddingStores(stores);
            }
            if (threshold != null) {
                builder.similarityThreshold(threshold);
            }
        };
    }

    private URI upstreamUrl() {
        try {
            return URI.create(upstream.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--upstream must be an http:// or https:// URL, was '" + upstream + "'");
        }
    }

    private String adminToken() throws InputFileException {
        if (adminTokenFile == null) {
            return null;
        }
        List<String> lines = TextFiles.readLines(adminTokenFile);
        String token = lines.isEmpty() ? "" : lines.get(0).strip();
        if (token.length() < 16) {
            throw new IllegalArgumentException("--admin-token-file " + adminTokenFile
                    + ": its first line must be a token of at least 16 characters");
        }
        return token;
    }

    /** Stops a gateway started by {@link #call()} (tests). */
    void stop() {
        Gateway g = running;
        if (g != null) {
            g.close();
        }
        stopped.countDown();
    }
}
