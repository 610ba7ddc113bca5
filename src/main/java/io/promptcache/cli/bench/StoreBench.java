package io.promptcache.cli.bench;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import io.promptcache.cli.StatusLine;
import io.promptcache.redis.RedisCacheStore;
import io.promptcache.redis.RedisConfig;
import io.promptcache.redis.RedisEmbeddingStore;
import io.promptcache.semantic.SemanticIndex;
import io.promptcache.store.CacheEntry;
import io.promptcache.store.StoredResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.UnifiedJedis;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;

/**
 * {@code promptcache bench store --store redis://…}: exact-hit throughput and latency at 1, 4 and 16
 * threads against {@code redis-benchmark -t get} at the same concurrency (run as a child process, as
 * the physical reference), semantic lookup latency excluding embedding at 1k, 10k and 100k synthetic
 * 512-dimension vectors, memory per entry in Redis and in the JVM, and commands per hit.
 */
@Command(name = "store", mixinStandardHelpOptions = true, description = "Redis store: exact and semantic lookups.")
public final class StoreBench implements Callable<Integer> {

    private static final int DIM = 512;
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @Option(names = "--store", required = true, paramLabel = "redis://…", description = "The Redis to measure (use a scratch database).")
    String store;

    @Option(names = "--sizes", split = ",", defaultValue = "1000,10000,100000", description = "Index sizes for the semantic lookups.")
    List<Integer> sizes;

    @Option(names = "--threads", split = ",", defaultValue = "1,4,16", description = "Concurrency of the exact-hit runs.")
    List<Integer> threads;

    @Option(names = "--hit-round-trips", split = ",", paramLabel = "N",
            description = "Round trips that hits share under load (RedisCacheStore.Builder.hitRoundTrips), one exact-hit run each (default: "
                    + io.promptcache.redis.RedisCacheStore.DEFAULT_HIT_ROUND_TRIPS + ").")
    List<Integer> hitRoundTrips = List.of(io.promptcache.redis.RedisCacheStore.DEFAULT_HIT_ROUND_TRIPS);

    @Option(names = "--seconds", defaultValue = "5", description = "Length of each exact-hit run.")
    int seconds;

    @Option(names = "--skip-exact", description = "Measure the semantic lookups only.")
    boolean skipExact;

    @Option(names = "--queries", defaultValue = "300", description = "Measured semantic queries per size and mode (default: ${DEFAULT-VALUE}).")
    int queries;

    @Option(names = "--hnsw-m", defaultValue = "16", description = "SERVER mode: HNSW M (default: ${DEFAULT-VALUE}).")
    int hnswM;

    @Option(names = "--hnsw-ef-construction", defaultValue = "200",
            description = "SERVER mode: HNSW EF_CONSTRUCTION (default: ${DEFAULT-VALUE}).")
    int hnswEfConstruction;

    @Option(names = "--hnsw-ef-runtime", split = ",", defaultValue = "200",
            description = "SERVER mode: EF_RUNTIME of each query; several values query one index once each (default: ${DEFAULT-VALUE}).")
    List<Integer> hnswEfRuntime;

    @Option(names = "--json", description = "One JSON object per result row, units in the key names.")
    boolean json;

    private final PrintStream out;

    public StoreBench() {
        this(System.out);
    }

    StoreBench(PrintStream out) {
        this.out = out;
    }

    private final StatusLine status = StatusLine.stderr();

    @Override
    public Integer call() throws Exception {
        for (int n : hitRoundTrips) {
            if (n < 1) {
                throw new IllegalArgumentException("--hit-round-trips must be at least 1, was " + n);
            }
        }
        for (int ef : hnswEfRuntime) {
            RedisEmbeddingStore.builder().hnsw(hnswM, hnswEfConstruction, ef); // refuses bad settings before anything is written
        }
        String prefix = "pcbench";
        RedisConfig config = RedisConfig.builder().url(store).keyPrefix(prefix).poolSize(32)
                .readTimeout(Duration.ofSeconds(5)).build();
        try (UnifiedJedis jedis = config.connect()) {
            BenchKeys.removeAll(jedis, prefix);
            if (!skipExact) {
                exactHits(jedis, config, prefix);
                BenchKeys.removeAll(jedis, prefix);
            }
            semantic(jedis, prefix);
            BenchKeys.removeAll(jedis, prefix);
        }
        return 0;
    }

    // ------------------------------------------------------------------ exact hits

    private void exactHits(UnifiedJedis jedis, RedisConfig config, String prefix) throws Exception {
        RedisCacheStore cache = RedisCacheStore.builder().client(jedis).keyPrefix(prefix).maxEntriesPerTenant(100_000).build();
        int entries = 1000;
        status.progress("exact hits: writing " + entries + " entries");
        String answer = "大模型（LLM）是在海量文本上训练的神经网络模型。".repeat(6);
        for (int i = 0; i < entries; i++) {
            cache.put(new CacheEntry("e" + i, "bench", "scope", "问题 " + i,
                    new StoredResponse(answer, null, "STOP", 100, 80, 180, "deepseek-chat", "r" + i, List.of()),
                    null, 0, 0, 0, 0), Duration.ofHours(1));
        }
        String sampleKey = cache.keys().entry(io.promptcache.redis.RedisKeys.tenantTag("bench"), "e0");
        long valueBytes = jedis.hget(sampleKey, "a").getBytes(StandardCharsets.UTF_8).length;
        cache.flushHits();
        long[] before = {commands(jedis, "hmget"), commands(jedis, "evalsha"), commands(jedis, "exists")};
        cache.hit("bench", "e1");
        long[] after = {commands(jedis, "hmget"), commands(jedis, "evalsha"), commands(jedis, "exists")};
        long commandsPerHit = after[0] - before[0] + after[1] - before[1] + after[2] - before[2];
        if (!json) {
            status.clear();
            out.printf("exact hit: %d HMGET, %d EVALSHA, %d EXISTS on the caller's path; "
                    + "hit metadata follows in a background pipeline; answer JSON %d bytes%n",
                    after[0] - before[0], after[1] - before[1], after[2] - before[2], valueBytes);
        }
        HostAndPort hp = config.nodes().iterator().next();
        String tag = io.promptcache.redis.RedisKeys.tenantTag("bench");
        // Unmeasured first, both paths: a fresh JVM runs them interpreted, and redis-benchmark has no JIT to warm.
        status.progress("exact hits: warming up");
        runExact(2, entries, id -> cache.hit("bench", id).isPresent(), Math.min(2, seconds));
        runExact(2, entries, id -> jedis.hmget(cache.keys().entry(tag, id).getBytes(StandardCharsets.UTF_8), READ_FIELDS).get(1) != null, Math.min(2, seconds));
        clientCost(cache, tag, entries);
        if (!json) {
            // The table's legend and header after the one-thread line, so that its rows follow it directly.
            status.clear();
            out.printf("hit-rt: --hit-round-trips, the reads one store keeps on the wire; a hit goes alone (one round trip) "
                    + "while at most twice that many are in flight, and later hits share the next read%n");
            out.printf("%n%-8s %11s %14s %10s %10s %16s %8s %14s %10s%n", "threads", "hit-rt", "hits/s", "p50 ms", "p99 ms", "redis GET/s", "ratio",
                    "raw HMGET/s", "raw ratio");
        }
        for (int t : threads) {
            // The machine's speed drifts within seconds: each run is compared with redis-benchmark just before and
            // just after it (GET, run, GET, run, GET ...), so a ratio is never against a reference from another minute.
            status.progress(String.format("exact hits, %d threads: redis-benchmark and the bare HMGET (%s s each)", t, seconds));
            double getBefore = redisBenchmarkGet(hp, t, (int) valueBytes);
            // Where the time goes: the same read through the same client, alone, with no decoding and no hit bookkeeping.
            Run raw = runExact(t, entries, id -> jedis.hmget(cache.keys().entry(tag, id).getBytes(StandardCharsets.UTF_8), READ_FIELDS)
                    .get(1) != null, seconds);
            double getAfter = redisBenchmarkGet(hp, t, (int) valueBytes);
            double rawReference = (getBefore + getAfter) / 2;
            for (int roundTrips : hitRoundTrips) {
                try (RedisCacheStore store = RedisCacheStore.builder().client(jedis).keyPrefix(prefix).maxEntriesPerTenant(100_000)
                        .hitRoundTrips(roundTrips).build()) {
                    getBefore = getAfter;
                    status.progress(String.format("exact hits, %d threads, hit-rt %d (%s s)", t, roundTrips, seconds));
                    Run run = runExact(t, entries, id -> store.hit("bench", id).isPresent(), seconds);
                    getAfter = redisBenchmarkGet(hp, t, (int) valueBytes);
                    exactRow(t, roundTrips, run, (getBefore + getAfter) / 2, raw, rawReference, commandsPerHit);
                }
            }
        }
    }

    /** One exact-hit row; each throughput is divided by the mean of the redis-benchmark runs either side of it. */
    private void exactRow(int t, int roundTrips, Run run, double reference, Run raw, double rawReference, long commandsPerHit)
            throws Exception {
        status.clear();
        double ratio = run.perSecond / reference;
        double rawRatio = raw.perSecond / rawReference;
        if (json) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("bench", "exact");
            row.put("threads", t);
            row.put("hitRoundTrips", roundTrips);
            row.put("hitsPerSecond", Math.round(run.perSecond));
            row.put("p50Ms", round(run.stats.p50()));
            row.put("p99Ms", round(run.stats.p99()));
            row.put("redisGetPerSecond", Double.isNaN(reference) ? null : Math.round(reference));
            row.put("ratioToRedisGet", Double.isNaN(ratio) ? null : round(ratio));
            row.put("rawHmgetPerSecond", Math.round(raw.perSecond));
            row.put("rawHmgetRatioToRedisGet", Double.isNaN(rawRatio) ? null : round(rawRatio));
            row.put("commandsPerHit", commandsPerHit);
            printJson(row);
        } else {
            out.printf("%-8d %11d %14.0f %10.3f %10.3f %16.0f %8.2f %14.0f %10.2f%n", t, roundTrips, run.perSecond, run.stats.p50(),
                    run.stats.p99(), reference, ratio, raw.perSecond, rawRatio);
        }
    }

    private record Run(double perSecond, Stats stats) {
    }

    /**
     * Where a hit's client time goes, on one thread: microseconds and bytes allocated per hit, against the bare
     * {@code HMGET} of the same fields (bytes from the JVM's per-thread allocation counter).
     */
    private void clientCost(RedisCacheStore cache, String tag, int entries) throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        int n = 20_000;
        double[] hit = new double[2];
        double[] raw = new double[2];
        for (int round = 0; round < 3; round++) { // the last round counts: the first two warm the JIT
            long b0 = mx.getThreadAllocatedBytes(thread);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                cache.hit("bench", "e" + (i % entries));
            }
            long b1 = mx.getThreadAllocatedBytes(thread);
            long t1 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                cache.client().hmget(cache.keys().entry(tag, "e" + (i % entries)).getBytes(StandardCharsets.UTF_8), READ_FIELDS);
            }
            long b2 = mx.getThreadAllocatedBytes(thread);
            long t2 = System.nanoTime();
            hit = new double[]{(t1 - t0) / 1e3 / n, (double) (b1 - b0) / n};
            raw = new double[]{(t2 - t1) / 1e3 / n, (double) (b2 - b1) / n};
        }
        if (json) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("bench", "exact-client-cost");
            row.put("threads", 1);
            row.put("hitMicros", round(hit[0]));
            row.put("hitBytesAllocated", Math.round(hit[1]));
            row.put("rawHmgetMicros", round(raw[0]));
            row.put("rawHmgetBytesAllocated", Math.round(raw[1]));
            printJson(row);
        } else {
            status.clear();
            out.printf("one thread, per hit: %.1f us and %d bytes allocated; the bare HMGET of the same fields: %.1f us, %d bytes%n",
                    hit[0], Math.round(hit[1]), raw[0], Math.round(raw[1]));
        }
    }

    /** The fields a hit reads, as the store reads them (bytes, so the bare read decodes nothing either). */
    private static final byte[][] READ_FIELDS = java.util.stream.Stream.of("q", "a", "s", "tn", "c", "la", "h", "x")
            .map(f -> f.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);

    private Run runExact(int threadCount, int entries, java.util.function.Predicate<String> read, double runSeconds)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threadCount);
        long end = System.nanoTime() + (long) (runSeconds * 1_000_000_000L);
        CountDownLatch go = new CountDownLatch(1);
        String[] ids = new String[entries];
        for (int i = 0; i < entries; i++) {
            ids[i] = "e" + i;
        }
        List<Future<long[]>> futures = new ArrayList<>();
        for (int t = 0; t < threadCount; t++) {
            int seed = t;
            futures.add(pool.submit(() -> {
                Random r = new Random(seed);
                long[] lat = new long[1 << 16];
                int n = 0;
                go.await();
                while (System.nanoTime() < end) {
                    long s = System.nanoTime();
                    if (!read.test(ids[r.nextInt(entries)])) {
                        throw new IllegalStateException("a bench entry is missing");
                    }
                    if (n == lat.length) {
                        lat = java.util.Arrays.copyOf(lat, n * 2);
                    }
                    lat[n++] = System.nanoTime() - s;
                }
                return java.util.Arrays.copyOf(lat, n);
            }));
        }
        long start = System.nanoTime();
        go.countDown();
        List<Double> all = new ArrayList<>();
        for (Future<long[]> f : futures) {
            for (long ns : f.get()) {
                all.add(ns / 1e6);
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        return new Run(all.size() / elapsed, Stats.of(all));
    }

    /** {@code redis-benchmark -t get} at the same concurrency and value size; NaN when it is not installed. */
    private double redisBenchmarkGet(HostAndPort hp, int clients, int valueBytes) {
        try {
            Process p = new ProcessBuilder("redis-benchmark", "-h", hp.getHost(), "-p", Integer.toString(hp.getPort()),
                    "-t", "get", "-n", Integer.toString(Math.max(50_000, 20_000 * clients)), "-c", Integer.toString(clients),
                    "-d", Integer.toString(valueBytes), "--csv").redirectErrorStream(true).start();
            double rps = Double.NaN;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("\"GET\"")) {
                        rps = Double.parseDouble(line.split(",")[1].replace("\"", ""));
                    }
                }
            }
            p.waitFor();
            return rps;
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    // ------------------------------------------------------------------ semantic lookups

    private void semantic(UnifiedJedis jedis, String prefix) throws Exception {
        boolean server = serverSearchAvailable(jedis);
        if (!json) {
            out.printf("%nsemantic lookup, excluding embedding (%d-dimension synthetic vectors, one scope, queries at cosine "
                    + "about 0.95 to a stored vector, KNN 1 of 5)%n", DIM);
            if (!server) {
                out.println("SERVER mode unavailable: this server has no Query Engine (FT.*); measuring LOCAL only");
            }
            out.printf("%-6s %-8s %10s %10s %10s %10s %16s %14s %8s %8s%n", "mode", "entries", "p50 ms", "p90 ms", "p99 ms",
                    "recall@1", "Redis B/entry", "JVM B/entry", "load s", "build s");
        } else if (!server) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("bench", "semantic");
            row.put("mode", "SERVER");
            row.put("available", false);
            row.put("reason", "no Query Engine (FT.*) on this server");
            printJson(row);
        }
        String tag = io.promptcache.redis.RedisKeys.tenantTag("bench");
        String scope = "0".repeat(64);
        RedisCacheStore cache = RedisCacheStore.builder().client(jedis).keyPrefix(prefix).maxEntriesPerTenant(Integer.MAX_VALUE).build();
        int have = 0;
        List<Integer> ordered = new ArrayList<>(sizes);
        Collections.sort(ordered);
        for (int size : ordered) {
            long loadStart = System.nanoTime();
            status.progress("semantic lookups: writing " + size + " entries");
            load(cache, scope, have, size);
            have = Math.max(have, size);
            double writeSeconds = (System.nanoTime() - loadStart) / 1e9;
            for (RedisEmbeddingStore.Mode mode : server ? List.of(RedisEmbeddingStore.Mode.LOCAL, RedisEmbeddingStore.Mode.SERVER)
                    : List.of(RedisEmbeddingStore.Mode.LOCAL)) {
                status.progress(String.format("semantic lookups: %s index of %d entries, then %d queries", mode, size, queries));
                System.gc();
                long heapBefore = usedHeap();
                long redisBefore = usedMemory(jedis);
                long t0 = System.nanoTime();
                int firstEf = hnswEfRuntime.get(0);
                try (RedisEmbeddingStore index = RedisEmbeddingStore.builder().client(jedis).keyPrefix(prefix).dimension(DIM)
                        .mode(mode).attachToCacheEntries(true).hnsw(hnswM, hnswEfConstruction, firstEf).build()) {
                    double loadSeconds = (System.nanoTime() - t0) / 1e9;
                    double buildSeconds = mode == RedisEmbeddingStore.Mode.SERVER ? awaitIndexed(jedis, prefix) : 0;
                    System.gc();
                    long heapAfter = usedHeap();
                    Queries measured = queries(index, size, scope, tag);
                    long entryBytes = averageMemoryUsage(jedis, cache, tag, size);
                    long indexBytes = mode == RedisEmbeddingStore.Mode.SERVER ? Math.max(0, usedMemory(jedis) - redisBefore) / size : 0;
                    long jvmBytes = Math.max(0, heapAfter - heapBefore) / size;
                    SemanticRow row = new SemanticRow(mode, size, entryBytes + indexBytes, indexBytes, jvmBytes, writeSeconds,
                            loadSeconds, buildSeconds);
                    semanticRow(row, measured, firstEf);
                    if (mode == RedisEmbeddingStore.Mode.SERVER) {
                        // The same index queried at the other EF_RUNTIME values: it is a query parameter, not a build one.
                        for (int ef : hnswEfRuntime.subList(1, hnswEfRuntime.size())) {
                            try (RedisEmbeddingStore same = RedisEmbeddingStore.builder().client(jedis).keyPrefix(prefix).dimension(DIM)
                                    .mode(mode).attachToCacheEntries(true).hnsw(hnswM, hnswEfConstruction, ef).build()) {
                                semanticRow(row, queries(same, size, scope, tag), ef);
                            }
                        }
                    }
                }
                if (mode == RedisEmbeddingStore.Mode.SERVER) {
                    jedis.sendCommand(() -> "FT.DROPINDEX".getBytes(StandardCharsets.US_ASCII), prefix + ":idx");
                }
            }
        }
    }

    private record Queries(Stats latency, double recall) {
    }

    private record SemanticRow(RedisEmbeddingStore.Mode mode, int size, long redisBytes, long indexBytes, long jvmBytes,
                               double writeSeconds, double loadSeconds, double buildSeconds) {
    }

    /** {@code queries} KNN lookups (after 50 unmeasured ones) at cosine about 0.95 to a stored vector. */
    private Queries queries(RedisEmbeddingStore index, int size, String scope, String tag) {
        Random random = new Random(7);
        List<Double> lat = new ArrayList<>();
        int correct = 0;
        for (int q = 0; q < queries + 50; q++) {
            int target = random.nextInt(size);
            float[] query = perturbed(vector(target), random);
            long st = System.nanoTime();
            var matches = index.search(EmbeddingSearchRequest.builder().queryEmbedding(Embedding.from(query))
                    .maxResults(5).minScore(0.9)
                    .filter(metadataKey(SemanticIndex.SCOPE).isEqualTo(scope).and(metadataKey(SemanticIndex.TENANT).isEqualTo(tag)))
                    .build()).matches();
            double ms = (System.nanoTime() - st) / 1e6;
            if (q >= 50) { // the first 50 warm the JIT
                lat.add(ms);
                // At cosine 0.95 the source vector is the exact nearest neighbour: independent 512-d
                // Gaussian vectors are below cosine 0.3 of each other.
                if (!matches.isEmpty() && matches.get(0).embeddingId().equals(tag + ":e" + target)) {
                    correct++;
                }
            }
        }
        return new Queries(Stats.of(lat), (double) correct / queries);
    }

    private void semanticRow(SemanticRow r, Queries q, int efRuntime) throws Exception {
        status.clear();
        Stats st = q.latency();
        if (json) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("bench", "semantic");
            row.put("mode", r.mode().name());
            row.put("entries", r.size());
            row.put("dimension", DIM);
            row.put("queries", queries);
            row.put("p50Ms", round(st.p50()));
            row.put("p90Ms", round(st.p90()));
            row.put("p99Ms", round(st.p99()));
            row.put("recallAt1", round(q.recall()));
            row.put("redisBytesPerEntry", r.redisBytes());
            row.put("redisIndexBytesPerEntry", r.indexBytes());
            row.put("jvmHeapBytesPerEntry", r.jvmBytes());
            row.put("writeSeconds", round(r.writeSeconds()));
            row.put("loadSeconds", round(r.loadSeconds()));
            row.put("indexBuildSeconds", round(r.buildSeconds()));
            if (r.mode() == RedisEmbeddingStore.Mode.SERVER) {
                row.put("hnswM", hnswM);
                row.put("hnswEfConstruction", hnswEfConstruction);
                row.put("hnswEfRuntime", efRuntime);
            }
            printJson(row);
        } else {
            out.printf("%-6s %-8d %10.3f %10.3f %10.3f %10.3f %16d %14d %8.1f %8.1f%s%n", r.mode(), r.size(), st.p50(),
                    st.p90(), st.p99(), q.recall(), r.redisBytes(), r.jvmBytes(), r.loadSeconds(), r.buildSeconds(),
                    r.mode() == RedisEmbeddingStore.Mode.SERVER ? "   EF_RUNTIME " + efRuntime : "");
        }
    }

    /**
     * Long enough to outlive any run (a 1M SERVER index builds for about an hour on a small machine; with a one-hour
     * TTL the entries expired under it); the bench removes what it wrote when it ends.
     */
    static final Duration ENTRY_TTL = Duration.ofDays(2);

    /** Writes entries {@code from} to {@code to} with their vectors, on four threads. */
    private static void load(RedisCacheStore cache, String scope, int from, int to) throws Exception {
        if (from >= to) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> parts = new ArrayList<>();
            int step = (to - from + 3) / 4;
            for (int start = from; start < to; start += step) {
                int lo = start;
                int hi = Math.min(to, start + step);
                parts.add(pool.submit(() -> {
                    for (int i = lo; i < hi; i++) {
                        cache.put(new CacheEntry("e" + i, "bench", scope, "问题 " + i,
                                new StoredResponse("答案 " + i, null, "STOP", 1, 1, 2, "m", "r", List.of()), vector(i), 0, 0, 0, 0),
                                ENTRY_TTL);
                    }
                    return null;
                }));
            }
            for (Future<?> f : parts) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    /** Entry {@code i}'s vector, made again from its seed rather than held: a million of them would be 2 GB. */
    /** The vector of entry i: independent Gaussian components, the same in every run (also the ANN comparison's data). */
    public static float[] vector(int i) {
        return gaussian(new Random(0x5eedL * 31 + i));
    }

    /** Seconds until the Query Engine has indexed every existing key (FT.INFO percent_indexed reaches 1). */
    private static double awaitIndexed(UnifiedJedis jedis, String prefix) throws InterruptedException {
        long start = System.nanoTime();
        while (true) {
            Object info = jedis.sendCommand(() -> "FT.INFO".getBytes(StandardCharsets.US_ASCII), prefix + ":idx");
            if (info instanceof List<?> fields) {
                for (int i = 0; i + 1 < fields.size(); i += 2) {
                    Object k = fields.get(i);
                    String key = k instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(k);
                    if (key.equals("percent_indexed")) {
                        Object v = fields.get(i + 1);
                        String value = v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(v);
                        if (Double.parseDouble(value) >= 1.0) {
                            return (System.nanoTime() - start) / 1e9;
                        }
                    }
                }
            }
            Thread.sleep(100);
        }
    }

    private static long usedMemory(UnifiedJedis jedis) {
        Object info = jedis.sendCommand(() -> "INFO".getBytes(StandardCharsets.US_ASCII), "memory".getBytes(StandardCharsets.US_ASCII));
        String text = info instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(info);
        for (String line : text.split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).trim());
            }
        }
        return 0;
    }

    private void printJson(Map<String, Object> row) throws Exception {
        out.println(JSON.writeValueAsString(row));
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static boolean serverSearchAvailable(UnifiedJedis jedis) {
        try {
            jedis.sendCommand(() -> "FT._LIST".getBytes(StandardCharsets.US_ASCII));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static long averageMemoryUsage(UnifiedJedis jedis, RedisCacheStore cache, String tag, int size) {
        long total = 0;
        int n = Math.min(200, size);
        for (int i = 0; i < n; i++) {
            // SAMPLES 0: every field; the default samples five of a hash's fields and extrapolates.
            Long m = jedis.memoryUsage(cache.keys().entry(tag, "e" + i), 0);
            total += m == null ? 0 : m;
        }
        return total / n;
    }

    private static float[] gaussian(Random r) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /** A near duplicate: cosine about 0.95 to the original. */
    public static float[] perturbed(float[] v, Random r) {
        float[] out = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            out[i] = v[i] + (float) (0.3 * r.nextGaussian());
        }
        return out;
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static long commands(UnifiedJedis jedis, String command) {
        Object info = jedis.sendCommand(() -> "INFO".getBytes(StandardCharsets.US_ASCII), "commandstats".getBytes(StandardCharsets.US_ASCII));
        String text = info instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(info);
        for (String line : text.split("\r?\n")) {
            if (line.startsWith("cmdstat_" + command + ":calls=")) {
                return Long.parseLong(line.substring(("cmdstat_" + command + ":calls=").length()).split(",")[0]);
            }
        }
        return 0;
    }
}
