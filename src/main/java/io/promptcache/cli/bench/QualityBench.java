package io.promptcache.cli.bench;

import io.promptcache.cli.EmbeddingOptions;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptcache.quality.Calibration;
import io.promptcache.quality.Chart;
import io.promptcache.quality.FeatureCache;
import io.promptcache.quality.OperatingPoint;
import io.promptcache.quality.PairFeatures;
import io.promptcache.quality.Rates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code promptcache bench quality --pairs FILE…}: near-miss acceptance and paraphrases served on
 * labelled pairs, through the cache's own decision path at the shipped operating point (or the one
 * given), next to plain cosine at the same threshold.
 */
@Command(name = "quality", mixinStandardHelpOptions = true,
        description = "Near-miss acceptance and paraphrases served on labelled question pairs.")
public final class QualityBench implements Callable<Integer> {

    @Option(names = "--pairs", arity = "1..*", required = true, paramLabel = "FILE",
            description = "TSV files: text_a<TAB>text_b<TAB>label.")
    List<Path> files;

    @Option(names = "--json", description = "One JSON object per file.")
    boolean json;

    @Option(names = "--chart", paramLabel = "PNG", description = "Write a chart of both rates across thresholds here.")
    Path chart;

    @Option(names = "--threshold", paramLabel = "COSINE", description = "Cosine threshold (default: the shipped one).")
    Double threshold;

    @Option(names = "--alignment", paramLabel = "F1", description = "Token-alignment F1 needed, 0 to turn off (default: the shipped one).")
    Double alignment;

    @Option(names = "--no-cache", description = "Embed again even when features of the same file are cached.")
    boolean noCache;

    @Mixin
    EmbeddingOptions embedding = new EmbeddingOptions();

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        // Each vector space runs at its own shipped point (bge-small-en and bge-small-zh are calibrated apart).
        Function<String, OperatingPoint> points = space -> {
            OperatingPoint p = OperatingPoint.shipped(space);
            if (threshold != null) {
                p = p.withThreshold(threshold);
            }
            return alignment == null ? p : new OperatingPoint(p.threshold(), p.lexical(), p.context(), alignment, p.alignmentAbove());
        };
        Map<String, List<PairFeatures>> all = load(files, embedding, !noCache);
        ObjectMapper mapper = new ObjectMapper();
        if (!json) {
            out.printf("operating point per space: %s%n%n", describePoints(all, points));
            out.printf("%-22s %7s | %-27s | %-27s | %s%n", "", "", "shipped point", "plain cosine, same threshold",
                    "plain cosine");
            out.printf("%-22s %7s | %13s %13s | %13s %13s | %s%n", "file", "pairs", "near-miss", "paraphrase",
                    "near-miss", "paraphrase", "at equal near-miss");
        }
        for (Map.Entry<String, List<PairFeatures>> e : all.entrySet()) {
            Rates r = Rates.of(e.getValue(), points);
            Rates plain = Rates.of(e.getValue(), space -> OperatingPoint.plainCosine(points.apply(space).threshold()));
            Rates equal = Calibration.plainCosineAtNearMiss(e.getValue(), r.nearMissAccepted());
            OperatingPoint point = points.apply(Chart.mainSpace(e.getValue()));
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("file", e.getKey());
                m.put("pairs", r.pairs());
                m.put("nearMissAccepted", round(r.nearMissAccepted()));
                m.put("paraphraseServed", round(r.paraphraseRate()));
                m.put("nearMissAcceptedCount", r.nearMissServed());
                m.put("nearMisses", r.nearMisses());
                m.put("paraphraseServedCount", r.paraphraseServed());
                m.put("paraphrases", r.paraphrases());
                m.put("space", Chart.mainSpace(e.getValue()));
                m.put("threshold", point.threshold());
                m.put("unmatchablePairs", e.getValue().stream().filter(f -> !f.matchable()).count());
                m.put("plainCosineNearMissAccepted", round(plain.nearMissAccepted()));
                m.put("plainCosineParaphraseServed", round(plain.paraphraseRate()));
                m.put("plainCosineParaphraseServedAtEqualNearMiss", equal == null ? null : round(equal.paraphraseRate()));
                out.println(mapper.writeValueAsString(m));
            } else {
                out.printf("%-22s %7d | %6.3f %6s | %6.3f %6s | %6.3f %6s | %6.3f %6s | %s%n", e.getKey(), r.pairs(),
                        r.nearMissAccepted(), "(" + r.nearMissServed() + ")", r.paraphraseRate(), "(" + r.paraphraseServed() + ")",
                        plain.nearMissAccepted(), "(" + plain.nearMissServed() + ")", plain.paraphraseRate(),
                        "(" + plain.paraphraseServed() + ")", equal == null ? "never this low" : String.format("%.3f", equal.paraphraseRate()));
            }
        }
        if (!json) {
            Calibration.Result cosine = Calibration.bestPlainCosine(all, 0.02);
            if (cosine != null) {
                out.printf("%nplain cosine within 2%% near-miss on every file: threshold %.4f, mean paraphrase served %.3f%n",
                        cosine.point().threshold(), cosine.meanParaphrase());
            }
        }
        if (chart != null) {
            Chart.write(chart, all, points, 0.85, 1.0);
            if (!json) {
                out.println("chart: " + chart);
            }
        }
        return 0;
    }


    private static String describePoints(Map<String, List<PairFeatures>> all, Function<String, OperatingPoint> points) {
        return all.values().stream().flatMap(List::stream).filter(PairFeatures::matchable).map(PairFeatures::space)
                .distinct().sorted().map(space -> {
                    OperatingPoint p = points.apply(space);
                    return String.format("%s: cosine >= %.3f, lexical guard, context guard, token alignment >= %.3f",
                            space, p.threshold(), p.alignmentMin());
                }).collect(Collectors.joining("; "));
    }

    private static double round(double d) {
        return Math.round(d * 10000) / 10000.0;
    }

    public static Map<String, List<PairFeatures>> load(List<Path> files, EmbeddingOptions embedding, boolean useCache)
            throws java.io.IOException {
        EmbeddingOptions.Features features = embedding.features(System.getenv());
        Map<String, List<PairFeatures>> all = new LinkedHashMap<>();
        for (Path f : files) {
            String name = f.getParent() == null ? f.getFileName().toString()
                    : f.getParent().getFileName() + "/" + f.getFileName().toString().replaceFirst("\\.tsv$", "");
            all.put(name, FeatureCache.load(f, features.extractor(), features.id(), useCache));
        }
        return all;
    }
}
