package io.promptcache.cli;

import io.promptcache.cli.bench.QualityBench;

import io.promptcache.embedding.InProcessModel;
import io.promptcache.quality.Calibration;
import io.promptcache.semantic.SemanticIndex;
import io.promptcache.quality.PairFeatures;
import io.promptcache.quality.Rates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code promptcache calibrate --pairs FILE… --max-near-miss 0.02}: the operating point to put in the builder. */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Recommend the operating point that serves the most paraphrases within a near-miss bound on every file.")
public final class CalibrateCommand implements Callable<Integer> {

    @Option(names = "--pairs", arity = "1..*", required = true, paramLabel = "FILE", description = "Labelled pairs files.")
    List<Path> files;

    @Option(names = "--max-near-miss", defaultValue = "0.02", paramLabel = "RATE",
            description = "Largest near-miss acceptance allowed on any file (default: ${DEFAULT-VALUE}).")
    double maxNearMiss;

    @Option(names = "--no-cache", description = "Embed again even when features of the same file are cached.")
    boolean noCache;

    @Option(names = "--ablation", description = "Also print the best point of each partial chain, verifier by verifier.")
    boolean ablation;

    @Mixin
    EmbeddingOptions embedding = new EmbeddingOptions();

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        if (!(maxNearMiss >= 0 && maxNearMiss <= 1)) {
            throw new IllegalArgumentException("--max-near-miss must be between 0 and 1");
        }
        Map<String, List<PairFeatures>> loaded = QualityBench.load(files, embedding, !noCache);
        // Each vector space gets its own point, chosen on the pairs searched in it.
        Map<String, Map<String, List<PairFeatures>>> bySpace = Calibration.bySpace(loaded, MIN_PAIRS_PER_SPACE);
        if (bySpace.isEmpty()) {
            out.printf("no file has %d pairs that can match%n", MIN_PAIRS_PER_SPACE);
            return 1;
        }
        loaded.values().stream().flatMap(List::stream).filter(PairFeatures::matchable)
                .collect(java.util.stream.Collectors.groupingBy(PairFeatures::space, java.util.TreeMap::new,
                        java.util.stream.Collectors.counting()))
                .forEach((space, n) -> {
                    if (!bySpace.containsKey(space)) {
                        out.printf("space %s: %d pairs, fewer than %d in any file: not calibrated%n%n", space, n,
                                MIN_PAIRS_PER_SPACE);
                    }
                });
        int status = 0;
        for (Map.Entry<String, Map<String, List<PairFeatures>>> space : bySpace.entrySet()) {
            if (bySpace.size() > 1 || !SemanticIndex.SINGLE.equals(space.getKey())) {
                out.printf("== space %s (%s)%n%n", space.getKey(), String.join(", ", space.getValue().keySet()));
            }
            status = Math.max(status, calibrate(space.getKey(), space.getValue()));
        }
        return status;
    }

    /** Pairs of a file searched in one space below this many are left out of that space's calibration. */
    static final int MIN_PAIRS_PER_SPACE = 50;

    private int calibrate(String space, Map<String, List<PairFeatures>> all) {
        Calibration.Result best = Calibration.best(all, maxNearMiss);
        Calibration.Result plain = Calibration.bestPlainCosine(all, maxNearMiss);
        if (best == null) {
            out.printf("no operating point keeps near-miss acceptance within %.3f on every file%n", maxNearMiss);
            return 1;
        }
        out.printf("recommended (mean paraphrase served %.3f, near-miss <= %.3f on every file):%n%n", best.meanParaphrase(),
                maxNearMiss);
        InProcessModel model = InProcessModel.ofSpace(space).orElse(InProcessModel.BGE_SMALL_ZH);
        out.println(best.point().builderSnippet("TokenEncoder.inProcess(InProcessModel." + model.name() + ")"));
        out.println();
        out.printf("%-22s %12s %12s %18s%n", "file", "near-miss", "paraphrase", "plain cosine para.");
        for (Map.Entry<String, Rates> e : best.rates().entrySet()) {
            Rates p = plain == null ? null : plain.rates().get(e.getKey());
            out.printf("%-22s %12.4f %12.4f %18s%n", e.getKey(), e.getValue().nearMissAccepted(), e.getValue().paraphraseRate(),
                    p == null ? "-" : String.format("%.4f", p.paraphraseRate()));
        }
        Calibration.Result noContext = Calibration.best(all, maxNearMiss, false);
        if (noContext != null) {
            out.printf("%nwithout the context-dependence guard (first turns that point at context they do not carry,"
                    + " such as 这是什么电影, may then be shared across conversations): threshold %.4f, mean paraphrase served %.3f%n",
                    noContext.point().threshold(), noContext.meanParaphrase());
            for (Map.Entry<String, Rates> e : noContext.rates().entrySet()) {
                out.printf("  %-20s near-miss %.4f paraphrase %.4f%n", e.getKey(), e.getValue().nearMissAccepted(),
                        e.getValue().paraphraseRate());
            }
        }
        if (ablation) {
            out.printf("%nablation: the best point of each chain within the bound (mean paraphrase served; per file near-miss/paraphrase)%n");
            String[] names = {"plain cosine", "+ lexical guard", "+ lexical + context guards", "+ lexical + token alignment",
                    "+ lexical + context + token alignment"};
            boolean[][] chains = {{false, false, false}, {true, false, false}, {true, true, false}, {true, false, true},
                    {true, true, true}};
            for (int i = 0; i < names.length; i++) {
                Calibration.Result r = Calibration.best(all, maxNearMiss, chains[i][0], chains[i][1], chains[i][2]);
                StringBuilder row = new StringBuilder(String.format("  %-38s", names[i]));
                if (r == null) {
                    row.append("none within the bound");
                } else {
                    row.append(String.format("threshold %.4f  mean %.4f ", r.point().threshold(), r.meanParaphrase()));
                    for (Map.Entry<String, Rates> e : r.rates().entrySet()) {
                        row.append(String.format(" %s %.4f/%.4f", e.getKey(), e.getValue().nearMissAccepted(),
                                e.getValue().paraphraseRate()));
                    }
                }
                out.println(row);
            }
        }
        if (plain != null) {
            out.printf("%nplain cosine within the same bound: threshold %.4f, mean paraphrase served %.3f%n",
                    plain.point().threshold(), plain.meanParaphrase());
        }
        return 0;
    }
}
