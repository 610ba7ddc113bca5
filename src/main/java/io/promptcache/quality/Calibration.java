package io.promptcache.quality;

import java.util.List;
import java.util.Map;

/**
 * Finds the operating point that serves the most paraphrases while every file's near-miss acceptance
 * stays within a bound. A handful of thresholds is tuned; nothing is learned from the pairs' text.
 */
public final class Calibration {

    /** The best point and its rates per file. */
    public record Result(OperatingPoint point, Map<String, Rates> rates, double meanParaphrase) {
    }

    private Calibration() {
    }

    public static Result best(Map<String, List<PairFeatures>> files, double maxNearMiss) {
        return best(files, maxNearMiss, true);
    }

    /** @param context whether the context-dependence guard is part of the chain */
    public static Result best(Map<String, List<PairFeatures>> files, double maxNearMiss, boolean context) {
        return best(files, maxNearMiss, true, context, true);
    }

    /** The best point of one chain: which verifiers it may use. */
    public static Result best(Map<String, List<PairFeatures>> files, double maxNearMiss, boolean lexical, boolean context,
                              boolean alignment) {
        Result best = null;
        double[] alignments = !alignment ? new double[]{0} : new double[]{0, 0.85, 0.86, 0.87, 0.875, 0.88, 0.885, 0.89, 0.895, 0.90, 0.905, 0.91, 0.92, 0.93, 0.94};
        double[] skipAbove = {1.01, 0.99, 0.98, 0.97, 0.96, 0.95};
        for (double t = 0.800; t <= 0.9901; t += 0.0025) {
            for (double a : alignments) {
                for (double above : a == 0 ? new double[]{1.01} : skipAbove) {
                    if (above <= t) {
                        continue;
                    }
                    OperatingPoint p = new OperatingPoint(round(t), lexical, context, a, above);
                    Map<String, Rates> rates = new java.util.LinkedHashMap<>();
                    boolean ok = true;
                    double sum = 0;
                    for (Map.Entry<String, List<PairFeatures>> f : files.entrySet()) {
                        Rates r = Rates.of(f.getValue(), p);
                        if (r.nearMissAccepted() > maxNearMiss) {
                            ok = false;
                            break;
                        }
                        rates.put(f.getKey(), r);
                        sum += r.paraphraseRate();
                    }
                    if (ok) {
                        double mean = sum / files.size();
                        if (best == null || mean > best.meanParaphrase() + 1e-12) {
                            best = new Result(p, rates, mean);
                        }
                    }
                }
            }
        }
        return best;
    }

    /** The plain-cosine threshold that serves the most paraphrases within the bound (the baseline). */
    public static Result bestPlainCosine(Map<String, List<PairFeatures>> files, double maxNearMiss) {
        Result best = null;
        for (double t = 0.80; t <= 1.0001; t += 0.0025) {
            OperatingPoint p = OperatingPoint.plainCosine(round(t));
            Map<String, Rates> rates = new java.util.LinkedHashMap<>();
            boolean ok = true;
            double sum = 0;
            for (Map.Entry<String, List<PairFeatures>> f : files.entrySet()) {
                Rates r = Rates.of(f.getValue(), p);
                ok &= r.nearMissAccepted() <= maxNearMiss;
                rates.put(f.getKey(), r);
                sum += r.paraphraseRate();
            }
            if (ok && (best == null || sum / files.size() > best.meanParaphrase())) {
                best = new Result(p, rates, sum / files.size());
            }
        }
        return best;
    }

    /**
     * What plain cosine serves on one file when allowed the same near-miss acceptance: the paraphrase
     * rate of the lowest threshold whose near-miss acceptance does not exceed {@code nearMiss}.
     */
    public static Rates plainCosineAtNearMiss(List<PairFeatures> file, double nearMiss) {
        Rates best = null;
        for (double t = 0.80; t <= 1.0001; t += 0.0005) {
            Rates r = Rates.of(file, OperatingPoint.plainCosine(t));
            if (r.nearMissAccepted() <= nearMiss + 1e-12 && (best == null || r.paraphraseRate() > best.paraphraseRate())) {
                best = r;
            }
        }
        return best;
    }

    /**
     * The pairs of each file grouped by the vector space they are searched in, leaving out pairs that can
     * never match and files with fewer than {@code minPairs} pairs in a space. A point chosen per space
     * keeps each file within the bound: its other pairs are judged by other spaces' points or never served.
     */
    public static Map<String, Map<String, List<PairFeatures>>> bySpace(Map<String, List<PairFeatures>> files, int minPairs) {
        Map<String, Map<String, List<PairFeatures>>> out = new java.util.TreeMap<>();
        for (Map.Entry<String, List<PairFeatures>> f : files.entrySet()) {
            Map<String, List<PairFeatures>> spaces = f.getValue().stream().filter(PairFeatures::matchable)
                    .collect(java.util.stream.Collectors.groupingBy(PairFeatures::space));
            spaces.forEach((space, pairs) -> {
                if (pairs.size() >= minPairs) {
                    out.computeIfAbsent(space, s -> new java.util.LinkedHashMap<>()).put(f.getKey(), pairs);
                }
            });
        }
        return out;
    }

    private static double round(double t) {
        return Math.round(t * 10000) / 10000.0;
    }
}
