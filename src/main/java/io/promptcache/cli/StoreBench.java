package io.promptcache.cli;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
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
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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

    @Option(names = "--store", required = true, paramLabel = "redis://…", description = "The Redis to measure (use a scratch database).")
    String store;

    @Option(names = "--sizes", split = ",", defaultValue = "1000,10000,100000", description = "Index sizes for the semantic lookups.")
    List<Integer> sizes;

    @Option(names = "--threads", split = ",", defaultValue = "1,4,16", description = "Concurrency of the exact-hit runs.")
    List<Integer> threads;

    @Option(names = "--seconds", defaultValue = "5", description = "Length of each exact-hit run.")
    int seconds;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        String prefix = "pcbench";
        RedisConfig config = RedisConfig.builder().url(store).keyPrefix(prefix).poolSize(32)
                .readTimeout(Duration.ofSeconds(5)).build();
        try (UnifiedJedis jedis = config.connect()) {
            clean(jedis, prefix);
            exactHits(jedis, config, prefix);
            clean(jedis, prefix);
            semantic(jedis, prefix);
            clean(jedis, prefix);
        }
        return 0;
    }

    // ------------------------------------------------------------------ exact hits

    private void exactHits(UnifiedJedis jedis, RedisConfig config, String prefix) throws Exception {
        RedisCacheStore cache = RedisCacheStore.builder().client(jedis).keyPrefix(prefix).maxEntriesPerTenant(100_000).build();
        int entries = 1000;
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
        out.printf("exact hit: %d HMGET, %d EVALSHA, %d EXISTS on the caller's path (one round trip); "
                + "hit metadata follows in a background pipeline; answer JSON %d bytes%n",
                after[0] - before[0], after[1] - before[1], after[2] - before[2], valueBytes);
        out.printf("%n%-8s %14s %10s %10s %16s %8s%n", "threads", "hits/s", "p50 ms", "p99 ms", "redis GET/s", "ratio");
        HostAndPort hp = config.nodes().iterator().next();
        for (int t : threads) {
            Run run = runExact(cache, t, entries);
            double reference = redisBenchmarkGet(hp, t, (int) valueBytes);
            out.printf("%-8d %14.0f %10.3f %10.3f %16.0f %8.2f%n", t, run.perSecond, run.stats.p50(), run.stats.p99(),
                    reference, Double.isNaN(reference) ? Double.NaN : run.perSecond / reference);
        }
    }

    private record Run(double perSecond, Stats stats) {
    }

    private Run runExact(RedisCacheStore cache, int threadCount, int entries) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threadCount);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
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
                    if (cache.hit("bench", ids[r.nextInt(entries)]).isEmpty()) {
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
        out.printf("%nsemantic lookup, excluding embedding (%d-dimension synthetic vectors, one scope)%n", DIM);
        out.printf("%-6s %-8s %10s %10s %10s %14s %16s %16s %8s%n", "mode", "entries", "p50 ms", "p90 ms", "p99 ms",
                "recall@1", "Redis B/entry", "JVM B/entry", "load s");
        String tag = io.promptcache.redis.RedisKeys.tenantTag("bench");
        String scope = "0".repeat(64);
        RedisCacheStore cache = RedisCacheStore.builder().client(jedis).keyPrefix(prefix).maxEntriesPerTenant(1_000_000).build();
        Random random = new Random(42);
        List<float[]> stored = new ArrayList<>();
        int have = 0;
        List<Integer> ordered = new ArrayList<>(sizes);
        Collections.sort(ordered);
        for (int size : ordered) {
            for (; have < size; have++) {
                float[] v = gaussian(random);
                stored.add(v);
                cache.put(new CacheEntry("e" + have, "bench", scope, "问题 " + have,
                        new StoredResponse("答案 " + have, null, "STOP", 1, 1, 2, "m", "r", List.of()), v, 0, 0, 0, 0),
                        Duration.ofHours(1));
            }
            System.gc();
            long heapBefore = usedHeap();
            long t0 = System.nanoTime();
            try (RedisEmbeddingStore index = RedisEmbeddingStore.builder().client(jedis).keyPrefix(prefix).dimension(DIM)
                    .mode(RedisEmbeddingStore.Mode.LOCAL).attachToCacheEntries(true).build()) {
                double loadSeconds = (System.nanoTime() - t0) / 1e9;
                System.gc();
                long heapAfter = usedHeap();
                List<Double> lat = new ArrayList<>();
                int correct = 0;
                int queries = 300;
                for (int q = 0; q < queries + 50; q++) {
                    int target = random.nextInt(size);
                    float[] query = perturbed(stored.get(target), random);
                    long s = System.nanoTime();
                    var matches = index.search(EmbeddingSearchRequest.builder().queryEmbedding(Embedding.from(query))
                            .maxResults(5).minScore(0.9)
                            .filter(metadataKey(SemanticIndex.SCOPE).isEqualTo(scope).and(metadataKey(SemanticIndex.TENANT).isEqualTo(tag)))
                            .build()).matches();
                    double ms = (System.nanoTime() - s) / 1e6;
                    if (q >= 50) { // the first 50 warm the JIT
                        lat.add(ms);
                        if (!matches.isEmpty() && matches.get(0).embeddingId().equals(tag + ":e" + target)) {
                            correct++;
                        }
                    }
                }
                Stats st = Stats.of(lat);
                long redisBytes = averageMemoryUsage(jedis, cache, tag, size);
                out.printf("%-6s %-8d %10.3f %10.3f %10.3f %14.3f %16d %16d %8.1f%n", "LOCAL", size, st.p50(), st.p90(),
                        st.p99(), (double) correct / queries, redisBytes, (heapAfter - heapBefore) / size, loadSeconds);
            }
        }
        out.println("SERVER mode: " + (serverSearchAvailable(jedis) ? "available (not measured by this build)"
                : "not available: this server has no Query Engine (FT.*)"));
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
            Long m = jedis.memoryUsage(cache.keys().entry(tag, "e" + i));
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
    private static float[] perturbed(float[] v, Random r) {
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

    private static void clean(UnifiedJedis jedis, String prefix) {
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = jedis.scan(cursor, new ScanParams().match(prefix + ":*").count(1000));
            if (!page.getResult().isEmpty()) {
                for (String key : page.getResult()) {
                    jedis.del(key);
                }
            }
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
    }
}
