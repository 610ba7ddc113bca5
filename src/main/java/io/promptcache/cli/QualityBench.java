package io.promptcache.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.model.embedding.EmbeddingModel;
import io.promptcache.embedding.EmbeddingModels;
import io.promptcache.quality.Calibration;
import io.promptcache.quality.Chart;
import io.promptcache.quality.FeatureCache;
import io.promptcache.quality.FeatureExtractor;
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
        OperatingPoint point = OperatingPoint.DEFAULT;
        if (threshold != null) {
            point = point.withThreshold(threshold);
        }
        if (alignment != null) {
            point = new OperatingPoint(point.threshold(), point.lexical(), point.context(), alignment, point.alignmentAbove());
        }
        Map<String, List<PairFeatures>> all = load(files, embedding, !noCache);
        ObjectMapper mapper = new ObjectMapper();
        if (!json) {
            out.printf("operating point: cosine >= %.3f, lexical guard, context guard, token alignment >= %.3f%n%n",
                    point.threshold(), point.alignmentMin());
            out.printf("%-22s %7s | %-27s | %-27s | %s%n", "", "", "shipped point", "plain cosine, same threshold",
                    "plain cosine");
            out.printf("%-22s %7s | %13s %13s | %13s %13s | %s%n", "file", "pairs", "near-miss", "paraphrase",
                    "near-miss", "paraphrase", "at equal near-miss");
        }
        for (Map.Entry<String, List<PairFeatures>> e : all.entrySet()) {
            Rates r = Rates.of(e.getValue(), point);
            Rates plain = Rates.of(e.getValue(), OperatingPoint.plainCosine(point.threshold()));
            Rates equal = Calibration.plainCosineAtNearMiss(e.getValue(), r.nearMissAccepted());
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
                m.put("threshold", point.threshold());
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
            Chart.write(chart, all, point, 0.85, 1.0);
            if (!json) {
                out.println("chart: " + chart);
            }
        }
        return 0;
    }

    private static double round(double d) {
        return Math.round(d * 10000) / 10000.0;
    }

    static Map<String, List<PairFeatures>> load(List<Path> files, EmbeddingOptions embedding, boolean useCache)
            throws java.io.IOException {
        EmbeddingModel embedder = embedding.create(System.getenv());
        boolean inProcess = embedder == EmbeddingModels.inProcess();
        FeatureExtractor extractor = new FeatureExtractor(inProcess ? null : embedder);
        String id = inProcess ? "bge-small-zh-v1.5-q" : embedding.describe();
        Map<String, List<PairFeatures>> all = new LinkedHashMap<>();
        for (Path f : files) {
            String name = f.getParent() == null ? f.getFileName().toString()
                    : f.getParent().getFileName() + "/" + f.getFileName().toString().replaceFirst("\\.tsv$", "");
            all.put(name, FeatureCache.load(f, extractor, id, useCache));
        }
        return all;
    }
}
