package io.promptcache.cli.bench;

import io.promptcache.cli.EmbeddingOptions;
import io.promptcache.cli.HealthReport;
import io.promptcache.cli.StatusLine;
import io.promptcache.cli.StoreLocation;
import io.promptcache.cli.StoreOptions;
import io.promptcache.cli.WarmUp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.embedding.EmbeddingModel;
import io.promptcache.CacheOutcome;
import io.promptcache.CacheScope;
import io.promptcache.CachingChatModel;
import io.promptcache.deepseek.DeepSeek;
import io.promptcache.deepseek.DeepSeekSimulator;
import io.promptcache.redis.RedisCache;
import io.promptcache.redis.RedisKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code promptcache bench soak}: concurrent multi-turn conversations through the caching model
 * against the simulator for a fixed time, with far more distinct questions than the store may hold,
 * so eviction runs all the time. It reports calls, failures, the hit ratio, the cache's added latency,
 * heap and live threads at the start and the end of the steady state, and (with Redis) entry keys
 * against the configured bound.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = {"Soak: concurrent conversations under eviction pressure for a fixed time.",
                "On Redis it writes under a key prefix of its own (--key-prefix, default " + SoakBench.KEY_PREFIX + ") "
                        + "and removes every key under it when it ends; it refuses a prefix that holds another cache."})
public final class SoakBench implements Callable<Integer> {

    private static final String[] TOPICS = {"大模型", "向量数据库", "语义缓存", "提示词工程", "知识图谱", "强化学习",
            "迁移学习", "注意力机制", "词向量", "模型蒸馏", "混合专家模型", "检索增强生成", "分布式训练", "量化推理",
            "张量并行", "梯度下降", "过拟合", "交叉熵", "卷积神经网络", "循环神经网络"};
    private static final String[] FORMS = {"什么是%s？", "%s是什么？", "%s有什么用？", "如何学习%s？", "%s的原理是什么？"};
    private static final String FOLLOW_UP = "它有哪些应用？";
    static final String KEY_PREFIX = "pc-bench-soak";
    private static final String TENANT = "soak-";

    @Mixin
    StoreOptions storeOptions = new StoreOptions(new StoreLocation(KEY_PREFIX));

    @Mixin
    EmbeddingOptions embeddingOptions = new EmbeddingOptions();

    @Option(names = "--minutes", defaultValue = "1", description = "How long to run (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--threads", defaultValue = "8", description = "Concurrent conversations (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--tenants", defaultValue = "2", description = "Tenants the conversations are spread over (default: ${DEFAULT-VALUE}).")
    int tenants;

    @Option(names = "--distinct", defaultValue = "2000",
            description = "Distinct opening questions, well above --max-entries (default: ${DEFAULT-VALUE}).")
    int distinct;

    @Option(names = "--sim-ttft-ms", defaultValue = "20", description = "Simulated time to first token (default: ${DEFAULT-VALUE}).")
    long simTtftMs;

    @Option(names = "--json", description = "Print one JSON object with the results.")
    boolean json;

    private final PrintStream out = System.out;
    private final StatusLine status = StatusLine.stderr();
    private HealthReport health;

    @Override
    public Integer call() throws Exception {
        if (minutes <= 0 || threads < 1 || tenants < 1 || distinct < 1) {
            throw new IllegalArgumentException("--minutes, --threads, --tenants and --distinct must be positive");
        }
        EmbeddingModel embedder = embeddingOptions.create(Map.of());
        WarmUp.run(embedder, false);
        List<String> questions = questions(distinct);
        health = new HealthReport(storeOptions.where(), embeddingOptions.where(System.getenv()), status);
        try (DeepSeekSimulator sim = DeepSeekSimulator.builder().timeToFirstToken(Duration.ofMillis(simTtftMs)).start();
             RedisCache redis = storeOptions.openRedis(embedder == null ? null : embeddingOptions.dimension(embedder))) {
            if (redis != null && answers(redis)) {
                refuseAnotherCache(redis);
                BenchKeys.removeAll(redis.client(), storeOptions.keyPrefix()); // a soak starts from an empty store
            }
            ModelTimer timer = new ModelTimer(DeepSeek.chatModel(DeepSeek.simulator(sim)));
            CachingChatModel.Builder b = CachingChatModel.builder().delegate(timer);
            storeOptions.apply(b, redis, embedder);
            try (CachingChatModel model = b.build()) {
                soak(model, timer, questions, redis);
            } finally {
                if (redis != null) {
                    // After the model is closed, so that its background writes are done.
                    BenchKeys.removeAllOrSay(redis.client(), storeOptions.keyPrefix(), storeOptions.where(), status);
                }
            }
        }
        return 0;
    }

    /** A Redis down at start costs the soak its cache, not its run: calls pass through, as in an application. */
    private boolean answers(RedisCache redis) {
        try {
            redis.client().ping();
            return true;
        } catch (RuntimeException down) {
            return false;
        }
    }

    /** The soak clears its prefix: it must hold nothing but an earlier soak's tenants. */
    private void refuseAnotherCache(RedisCache redis) {
        List<String> others = redis.cacheStore().tenants().stream().filter(t -> !t.startsWith(TENANT)).sorted().limit(3).toList();
        if (!others.isEmpty()) {
            throw new IllegalArgumentException("--key-prefix " + storeOptions.keyPrefix() + " holds another cache (tenants "
                    + String.join(", ", others) + "); the soak removes everything under its prefix, so give one of its own");
        }
    }

    private void soak(CachingChatModel model, ModelTimer timer, List<String> questions, RedisCache redis) throws Exception {
        // A short unmeasured run first: the pools and connections a steady state has are open.
        drive(model, timer, questions, System.nanoTime() + 5_000_000_000L, null);
        System.gc();
        long heapStart = usedHeap();
        int jvmThreadsStart = ManagementFactory.getThreadMXBean().getThreadCount();
        Map<String, Integer> namesStart = threadNames();
        int threadsStart = steadyThreads(namesStart);

        Results r = new Results();
        long end = System.nanoTime() + (long) (minutes * 60e9);
        drive(model, timer, questions, end, r);

        System.gc();
        long heapEnd = usedHeap();
        int jvmThreadsEnd = ManagementFactory.getThreadMXBean().getThreadCount();
        Map<String, Integer> grown = threadNames();
        int threadsEnd = steadyThreads(grown);
        namesStart.forEach((name, n) -> grown.merge(name, -n, Integer::sum));
        grown.values().removeIf(n -> n == 0);
        long redisKeys = redis == null ? -1 : entryKeys(redis);
        long maxKeys = (long) tenants * storeOptions.maxEntries();
        report(r, heapStart, heapEnd, new int[]{threadsStart, threadsEnd, jvmThreadsStart, jvmThreadsEnd}, grown,
                redisKeys, maxKeys, model);
    }

    /** Opening questions: topics × forms × a number, so there are far more than the store holds. */
    static List<String> questions(int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; out.size() < n; i++) {
            String topic = TOPICS[i % TOPICS.length] + (i / (TOPICS.length * FORMS.length) == 0 ? "" : "第" + (i / (TOPICS.length * FORMS.length)) + "版");
            out.add(String.format(FORMS[(i / TOPICS.length) % FORMS.length], topic));
        }
        return out;
    }

    private void drive(CachingChatModel model, ModelTimer timer, List<String> questions, long endNanos, Results r)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                futures.add(pool.submit(() -> conversations(model, timer, questions, endNanos, r, new Random(seed))));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
        health.report(model.metrics());
        status.done();
    }

    private void conversations(CachingChatModel model, ModelTimer timer, List<String> questions, long endNanos,
                               Results r, Random random) {
        while (System.nanoTime() < endNanos) {
            String tenant = TENANT + random.nextInt(tenants);
            // Skewed popularity, as real traffic: a few questions are asked often, most rarely.
            String opener = questions.get((int) Math.min(questions.size() - 1,
                    Math.floor(Math.pow(random.nextDouble(), 3) * questions.size())));
            List<ChatMessage> history = new ArrayList<>(List.of(SystemMessage.from("你是一个乐于助人的助手。")));
            int turns = 1 + random.nextInt(2);
            try (CacheScope scope = CacheScope.open(tenant)) {
                for (int turn = 0; turn < turns && System.nanoTime() < endNanos; turn++) {
                    history.add(UserMessage.from(turn == 0 ? opener : FOLLOW_UP));
                    timer.reset();
                    long start = System.nanoTime();
                    try {
                        ChatResponse response = model.chat(ChatRequest.builder().messages(history).build());
                        history.add(AiMessage.from(response.aiMessage().text()));
                        long took = System.nanoTime() - start;
                        if (r != null) {
                            CacheOutcome o = scope.lastOutcome().orElseThrow();
                            // A call that waited for an identical one in flight spent the model's time, not ours.
                            r.record(o, o.sharedFlight() ? Double.NaN : (took - timer.spent()) / 1e6);
                        }
                    } catch (RuntimeException e) {
                        if (r != null) {
                            r.failed.incrementAndGet();
                        }
                        break;
                    }
                }
            }
            if (r != null && r.calls.get() % 200 == 0) {
                status.progress("calls " + r.calls.get());
                health.report(model.metrics());
            }
        }
    }

    /**
     * Live threads, less the JDK's elastic pools (HTTP client workers, the process reaper), whose size
     * follows the load of the moment and says nothing of a leak.
     */
    private static int steadyThreads(Map<String, Integer> byName) {
        return byName.entrySet().stream()
                .filter(e -> !e.getKey().startsWith("HttpClient-#-Worker") && !e.getKey().equals("process reaper"))
                .mapToInt(Map.Entry::getValue).sum();
    }

    /** Live threads by name with digits dropped ("promptcache-io-3" counts as "promptcache-io-"). */
    private static Map<String, Integer> threadNames() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive()) {
                out.merge(t.getName().replaceAll("\\d+", "#"), 1, Integer::sum);
            }
        }
        return out;
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private long entryKeys(RedisCache redis) {
        long n = 0;
        ScanParams params = new ScanParams().match(new RedisKeys(storeOptions.keyPrefix()).entryPrefix() + "*").count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        try {
            do {
                ScanResult<String> page = redis.client().scan(cursor, params);
                n += page.getResult().size();
                cursor = page.getCursor();
            } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        } catch (RuntimeException down) {
            return -1; // Redis is down: the count is unknown, and said so
        }
        return n;
    }

    private void report(Results r, long heapStart, long heapEnd, int[] threadCounts, Map<String, Integer> threadsGrown,
                        long redisKeys, long maxKeys, CachingChatModel model) throws Exception {
        Stats added = Stats.of(r.added());
        long calls = r.calls.get();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("store", storeOptions.redis() ? "redis" : "memory");
        m.put("minutes", minutes);
        m.put("threads", threads);
        m.put("calls", calls);
        m.put("failedCalls", r.failed.get());
        m.put("hitRatio", calls == 0 ? 0 : Math.round(1000.0 * r.hits.get() / calls) / 1000.0);
        m.put("exactHits", r.exact.get());
        m.put("semanticHits", r.hits.get() - r.exact.get());
        m.put("addedLatencyP50Ms", round(added.p50()));
        m.put("addedLatencyP99Ms", round(added.p99()));
        m.put("degradedCalls", r.degraded.get());
        m.put("heapStartMb", heapStart / (1024 * 1024));
        m.put("heapEndMb", heapEnd / (1024 * 1024));
        m.put("threadsAtStart", threadCounts[0]);
        m.put("threadsAtEnd", threadCounts[1]);
        m.put("jvmThreadsAtStart", threadCounts[2]);
        m.put("jvmThreadsAtEnd", threadCounts[3]);
        m.put("threadsChangedByName", threadsGrown);
        m.put("redisKeys", redisKeys);
        m.put("maxKeys", maxKeys);
        m.put("cacheFaults", model.metrics().snapshot().faults());
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(m));
        } else {
            m.forEach((k, v) -> out.printf("%-18s %s%n", k, v));
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** Counters of the measured run; latencies kept in a bounded reservoir. */
    private static final class Results {
        final AtomicLong calls = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong hits = new AtomicLong();
        final AtomicLong exact = new AtomicLong();
        final AtomicLong degraded = new AtomicLong();
        private final List<Double> addedMs = Collections.synchronizedList(new ArrayList<>());
        private final Random sample = new Random(42);
        private static final int RESERVOIR = 200_000;

        void record(CacheOutcome o, double addedMillis) {
            long n = calls.incrementAndGet();
            if (o.source().cached()) {
                hits.incrementAndGet();
                if (o.source() == io.promptcache.CacheSource.EXACT) {
                    exact.incrementAndGet();
                }
            }
            if (o.degraded()) {
                degraded.incrementAndGet();
            }
            if (Double.isNaN(addedMillis)) {
                return;
            }
            synchronized (addedMs) {
                if (addedMs.size() < RESERVOIR) {
                    addedMs.add(addedMillis);
                } else {
                    long k = (long) (sample.nextDouble() * n);
                    if (k < RESERVOIR) {
                        addedMs.set((int) k, addedMillis);
                    }
                }
            }
        }

        List<Double> added() {
            return addedMs;
        }
    }

    /** The model with the time each thread spent in it, so the cache's own added latency can be told apart. */
    private static final class ModelTimer implements ChatModel {
        private final ChatModel delegate;
        private final ThreadLocal<long[]> spent = ThreadLocal.withInitial(() -> new long[1]);

        ModelTimer(ChatModel delegate) {
            this.delegate = delegate;
        }

        void reset() {
            spent.get()[0] = 0;
        }

        long spent() {
            return spent.get()[0];
        }

        @Override
        public ChatResponse doChat(ChatRequest request) {
            long start = System.nanoTime();
            try {
                return delegate.chat(request);
            } finally {
                spent.get()[0] += System.nanoTime() - start;
            }
        }

        @Override
        public dev.langchain4j.model.chat.request.ChatRequestParameters defaultRequestParameters() {
            return delegate.defaultRequestParameters();
        }
    }
}
