package io.promptcache.cli.bench;

import io.promptcache.cli.HealthReport;
import io.promptcache.cli.StatusLine;
import io.promptcache.cli.StoreLocation;
import io.promptcache.cli.WarmUp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.embedding.EmbeddingModel;
import io.promptcache.AbstractCachingModel;
import io.promptcache.CacheOutcome;
import io.promptcache.CacheScope;
import io.promptcache.CachingChatModel;
import io.promptcache.CachingModelBuilder;
import io.promptcache.CachingStreamingChatModel;
import io.promptcache.deepseek.DeepSeek;
import io.promptcache.deepseek.DeepSeekSimulator;
import io.promptcache.redis.RedisCache;
import io.promptcache.redis.RedisConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code promptcache bench stampede}: bursts of identical requests. Each round sends one fresh question
 * from every thread at once, through the blocking and the streaming caching model, against the offline
 * DeepSeek simulator, and counts the model calls: one per round is right, any more is a duplicate.
 * Each round has a tenant of its own, so no round is served from another's answer.
 */
@Command(name = "stampede", mixinStandardHelpOptions = true,
        description = "Bursts of identical requests: model calls per distinct question, and how long followers wait.")
public final class StampedeBench implements Callable<Integer> {

    private static final String[] TOPICS = {"大模型", "向量数据库", "语义缓存", "提示词工程", "知识图谱", "强化学习",
            "迁移学习", "注意力机制", "词向量", "模型蒸馏"};
    private static final String[] FORMS = {"什么是%s？", "%s有什么用？", "如何学习%s？", "%s的原理是什么？"};
    static final String KEY_PREFIX = "pc-bench-stampede";

    @Option(names = "--store", paramLabel = "memory|redis://…", split = ",", defaultValue = "memory",
            description = "Stores to measure, comma-separated or repeated: memory, or a Redis URL (default: ${DEFAULT-VALUE}). "
                    + "On Redis the bench writes under its own key prefix, " + KEY_PREFIX + ", and removes what it wrote.")
    List<String> stores;

    @Option(names = "--threads", defaultValue = "40", description = "Identical requests per round, sent at once (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--rounds", defaultValue = "100", description = "Rounds, each with a fresh question (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--model-latency-ms", defaultValue = "0",
            description = "The simulated model's time to first token (default: ${DEFAULT-VALUE}).")
    long modelLatencyMs;

    @Option(names = "--mode", defaultValue = "both", description = "blocking, streaming or both (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--json", description = "Print one JSON object with the results.")
    boolean json;

    private final PrintStream out;
    private final StatusLine status = StatusLine.stderr();

    public StampedeBench() {
        this(System.out);
    }

    StampedeBench(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        validate();
        EmbeddingModel embedder = null; // the shipped default: an in-process model per script
        WarmUp.run(embedder, true);
        List<Map<String, Object>> rows = new ArrayList<>();
        try (DeepSeekSimulator sim = DeepSeekSimulator.builder().timeToFirstToken(Duration.ofMillis(modelLatencyMs)).start()) {
            for (String store : stores) {
                for (String m : modes()) {
                    rows.add(measure(store, m, embedder, sim));
                }
            }
        }
        if (json) {
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("stores", rows);
            out.println(new ObjectMapper().writeValueAsString(all));
        } else {
            out.printf("%-28s %-9s %6s %7s %9s %10s %10s %12s %12s%n", "store", "mode", "rounds", "threads",
                    "distinct", "modelCalls", "duplicates", "wait p50 ms", "wait p99 ms");
            for (Map<String, Object> r : rows) {
                out.printf("%-28s %-9s %6s %7s %9s %10s %10s %12.2f %12.2f%n", r.get("store"), r.get("mode"), r.get("rounds"),
                        r.get("threads"), r.get("distinctQuestions"), r.get("modelCalls"), r.get("duplicateCalls"),
                        (Double) r.get("followerWaitP50Ms"), (Double) r.get("followerWaitP99Ms"));
            }
        }
        return 0;
    }

    /** Every option is checked before any store is opened: impossible options touch no data. */
    private void validate() {
        if (threads < 2 || threads > 1000) {
            throw new IllegalArgumentException("--threads must be from 2 to 1000 (a burst needs at least two callers), was " + threads);
        }
        if (rounds < 1 || rounds > 100_000) {
            throw new IllegalArgumentException("--rounds must be from 1 to 100000, was " + rounds);
        }
        if (modelLatencyMs < 0 || modelLatencyMs > 60_000) {
            throw new IllegalArgumentException("--model-latency-ms must be from 0 to 60000, was " + modelLatencyMs);
        }
        modes();
        for (String store : stores) {
            if (!"memory".equalsIgnoreCase(store)) {
                try {
                    RedisConfig.builder().url(store).keyPrefix(KEY_PREFIX).build();
                } catch (IllegalArgumentException malformed) {
                    throw new IllegalArgumentException("--store: " + malformed.getMessage(), malformed);
                }
            }
        }
    }

    private List<String> modes() {
        return switch (mode) {
            case "blocking", "streaming" -> List.of(mode);
            case "both" -> List.of("blocking", "streaming");
            default -> throw new IllegalArgumentException("--mode must be blocking, streaming or both, was '" + mode + "'");
        };
    }

    private Map<String, Object> measure(String store, String mode, EmbeddingModel embedder, DeepSeekSimulator sim)
            throws Exception {
        boolean redis = !"memory".equalsIgnoreCase(store);
        RedisCache cache = redis ? RedisCache.builder()
                .config(RedisConfig.builder().url(store).keyPrefix(KEY_PREFIX).build()).build() : null;
        String run = Long.toString(System.nanoTime(), 36);
        HealthReport health = new HealthReport(StoreLocation.describe(store), "the in-process model", status);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            AbstractCachingModel model = "streaming".equals(mode)
                    ? configure(CachingStreamingChatModel.builder().delegate(DeepSeek.streamingChatModel(DeepSeek.simulator(sim))),
                    cache, embedder).build()
                    : configure(CachingChatModel.builder().delegate(DeepSeek.chatModel(DeepSeek.simulator(sim))),
                    cache, embedder).build();
            int before = sim.completionRequests();
            long duplicates = 0;
            List<Double> followerWaits = new ArrayList<>();
            Map<String, LongAdder> sources = new ConcurrentHashMap<>();
            for (int round = 0; round < rounds; round++) {
                status.progress(String.format("%s %s: round %d/%d", StoreLocation.describe(store), mode, round + 1, rounds));
                String tenant = "stampede-" + run + "-" + round;
                String question = String.format(FORMS[round % FORMS.length], TOPICS[(round / FORMS.length) % TOPICS.length])
                        + " (" + round + ")";
                ChatRequest request = ChatRequest.builder()
                        .messages(SystemMessage.from("你是一个简洁的中文助手。"), UserMessage.from(question)).build();
                int callsBefore = sim.completionRequests();
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Call>> calls = new ArrayList<>(threads);
                for (int t = 0; t < threads; t++) {
                    calls.add(pool.submit(() -> {
                        go.await();
                        return call(model, tenant, request);
                    }));
                }
                go.countDown();
                for (Future<Call> f : calls) {
                    Call c = f.get(5, TimeUnit.MINUTES);
                    String source = c.outcome().sharedFlight() ? "shared" : c.outcome().source().wireName();
                    sources.computeIfAbsent(source, k -> new LongAdder()).increment();
                    if (!"llm".equals(source)) {
                        followerWaits.add(c.millis());
                    }
                }
                duplicates += Math.max(0, sim.completionRequests() - callsBefore - 1);
                health.report(model.metrics());
            }
            status.done();
            Stats waits = Stats.of(followerWaits);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("store", redis ? "redis" : "memory");
            row.put("mode", mode);
            row.put("rounds", rounds);
            row.put("threads", threads);
            row.put("distinctQuestions", rounds);
            row.put("modelCalls", sim.completionRequests() - before);
            row.put("duplicateCalls", duplicates);
            row.put("followerWaitP50Ms", round2(waits.p50()));
            row.put("followerWaitP99Ms", round2(waits.p99()));
            Map<String, Long> bySource = new LinkedHashMap<>();
            for (String s : List.of("llm", "shared", "exact", "semantic")) {
                LongAdder n = sources.get(s);
                bySource.put(s, n == null ? 0 : n.sum());
            }
            row.put("sources", bySource);
            return row;
        } finally {
            pool.shutdownNow();
            if (cache != null) {
                // Every key under its own prefix: entries, vectors, index settings, event streams and any server index.
                BenchKeys.removeAllOrSay(cache.client(), KEY_PREFIX, StoreLocation.describe(store), status);
                cache.close();
            }
        }
    }

    private static <B extends CachingModelBuilder<B>> B configure(B builder, RedisCache cache, EmbeddingModel embedder) {
        if (embedder != null) {
            builder.embeddingModel(embedder);
        }
        return cache == null ? builder : builder.cacheStore(cache.cacheStore()).embeddingStores(cache::embeddingStore);
    }

    private record Call(CacheOutcome outcome, double millis) {
    }

    private static Call call(AbstractCachingModel model, String tenant, ChatRequest request) throws Exception {
        long start = System.nanoTime();
        try (CacheScope scope = CacheScope.open(tenant)) {
            if (model instanceof CachingChatModel blocking) {
                blocking.chat(request);
            } else {
                StreamedAnswer answer = new StreamedAnswer();
                ((CachingStreamingChatModel) model).chat(request, answer);
                answer.await(2, TimeUnit.MINUTES);
            }
            return new Call(scope.lastOutcome().orElseThrow(), (System.nanoTime() - start) / 1e6);
        }
    }

    private static double round2(double v) {
        return Double.isNaN(v) ? 0 : Math.round(v * 100) / 100.0;
    }
}
