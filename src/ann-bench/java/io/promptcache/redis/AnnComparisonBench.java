package io.promptcache.redis;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.promptcache.cli.bench.StoreBench;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.OnHeapGraphIndex;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.SearchScoreProvider;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * LOCAL mode's signature scan ({@link LocalVectorIndex}) and jvector's graph index side by side, in one JVM, on the
 * vectors and queries of {@code bench store}: independent Gaussian 512-dimension vectors in one scope, each query a
 * copy of one of them at cosine about 0.95. Reports build (load) time, heap per entry, p50/p90/p99 and recall@1.
 *
 * <pre>
 * mvn -q -Pann-bench test-compile dependency:build-classpath -Dmdep.outputFile=target/ann-cp.txt -Dmdep.includeScope=test
 * java -Xmx12g -cp target/test-classes:target/classes:$(cat target/ann-cp.txt) io.promptcache.redis.AnnComparisonBench SIZE scan
 * java -Xmx12g -cp … io.promptcache.redis.AnnComparisonBench SIZE jvector [M BEAM EF,EF,…]
 * Each index is measured in a JVM of its own, so the heap it adds is not blurred by the other's garbage.
 * </pre>
 */
public final class AnnComparisonBench {

    static final int DIM = 512;
    static final int QUERIES = 300;
    static final int WARM = 50;

    public static void main(String[] args) throws Exception {
        int size = Integer.parseInt(args[0]);
        String which = args[1];
        int m = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        int beam = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        int[] efs = Arrays.stream((args.length > 4 ? args[4] : "100").split(",")).mapToInt(Integer::parseInt).toArray();
        System.out.printf(Locale.ROOT, "entries %d, dimension %d, java %s, vectorization %s%n", size, DIM,
                System.getProperty("java.version"), VectorizationProvider.getInstance().getClass().getSimpleName());
        Random qr = new Random(7);
        int[] targets = new int[QUERIES + WARM];
        float[][] queries = new float[QUERIES + WARM][];
        for (int q = 0; q < targets.length; q++) {
            targets[q] = qr.nextInt(size);
            queries[q] = StoreBench.perturbed(StoreBench.vector(targets[q]), qr);
        }
        if (which.equals("scan")) {
            scan(size, targets, queries);
        } else {
            graph(size, targets, queries, m, beam, efs);
        }
    }

    /** Vectors are made one at a time, as a load from Redis hands them over: the heap measured is the index's. */
    private static void scan(int size, int[] targets, float[][] queries) {
        long heap0 = heap();
        long t0 = System.nanoTime();
        LocalVectorIndex index = new LocalVectorIndex(DIM);
        for (int i = 0; i < size; i++) {
            index.add("t:e" + i, "scope", "q" + i, null, StoreBench.vector(i));
        }
        double build = (System.nanoTime() - t0) / 1e9;
        long heap = Math.max(0, heap() - heap0) / size;
        double[] lat = new double[QUERIES];
        int correct = 0;
        for (int q = 0; q < queries.length; q++) {
            long st = System.nanoTime();
            List<LocalVectorIndex.Hit> hits = index.search(queries[q], "scope", null, 5, 0.9);
            double ms = (System.nanoTime() - st) / 1e6;
            if (q >= WARM) {
                lat[q - WARM] = ms;
                correct += !hits.isEmpty() && hits.get(0).item().id().equals("t:e" + targets[q]) ? 1 : 0;
            }
        }
        report("scan (LOCAL)", build, heap, lat, correct);
    }

    private static void graph(int size, int[] targets, float[][] queries, int m, int beam, int[] efs) throws Exception {
        VectorTypeSupport vts = VectorizationProvider.getInstance().getVectorTypeSupport();
        long heap0 = heap();
        long t0 = System.nanoTime();
        List<VectorFloat<?>> vectors = new ArrayList<>(size);
        for (int i = 0; i < size; i++) { // the graph searches its own copy of the vectors, as the scan does
            vectors.add(vts.createFloatVector(io.promptcache.semantic.VectorMath.normalize(StoreBench.vector(i))));
        }
        ListRandomAccessVectorValues ravv = new ListRandomAccessVectorValues(vectors, DIM);
        OnHeapGraphIndex graph;
        try (GraphIndexBuilder builder = new GraphIndexBuilder(
                BuildScoreProvider.randomAccessScoreProvider(ravv, VectorSimilarityFunction.DOT_PRODUCT), DIM, m, beam, 1.2f, 1.2f)) {
            graph = builder.build(ravv);
        }
        double build = (System.nanoTime() - t0) / 1e9;
        long heap = Math.max(0, heap() - heap0) / vectors.size();
        GraphSearcher searcher = new GraphSearcher(graph);
        for (int ef : efs) {
            double[] lat = new double[QUERIES];
            int correct = 0;
            for (int q = 0; q < queries.length; q++) {
                VectorFloat<?> query = vts.createFloatVector(io.promptcache.semantic.VectorMath.normalize(queries[q]));
                long st = System.nanoTime();
                // ef candidates kept during the walk (as HNSW's EF_RUNTIME), the best 5 returned.
                SearchResult r = searcher.search(SearchScoreProvider.exact(query, VectorSimilarityFunction.DOT_PRODUCT, ravv), 5, ef,
                        0f, 0f, Bits.ALL);
                double ms = (System.nanoTime() - st) / 1e6;
                if (q >= WARM) {
                    lat[q - WARM] = ms;
                    correct += r.getNodes().length > 0 && r.getNodes()[0].node == targets[q] ? 1 : 0;
                }
            }
            report(String.format(Locale.ROOT, "jvector (M %d, beam %d, ef %d)", m, beam, ef), build, heap, lat, correct);
        }
    }

    private static void report(String name, double buildSeconds, long heapPerEntry, double[] lat, int correct) {
        double[] s = lat.clone();
        Arrays.sort(s);
        System.out.printf(Locale.ROOT, "%-30s build %7.1f s  heap %6d B/entry  p50 %7.3f ms  p90 %7.3f ms  p99 %7.3f ms  recall@1 %.3f%n",
                name, buildSeconds, heapPerEntry, s[s.length / 2], s[(int) (s.length * 0.9)], s[(int) (s.length * 0.99)],
                (double) correct / lat.length);
    }

    private static long heap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
