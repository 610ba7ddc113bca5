package io.promptcache.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptcache.calibration.ClopperPearson;
import io.promptcache.calibration.CalibrationState;
import io.promptcache.calibration.Calibrator;
import io.promptcache.calibration.JudgedPair;
import io.promptcache.calibration.SelfCalibration;
import io.promptcache.cli.EmbeddingOptions;
import io.promptcache.quality.OperatingPoint;
import io.promptcache.quality.PairFeatures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code promptcache bench self-calibration}: how well self-calibration learns a threshold from a judge, offline.
 *
 * <p>Per seed, the labelled pairs are shuffled and split into a stream and a holdout (or read from
 * {@code --stream} and {@code --holdout}). The stream's pairs arrive in order; each one whose cosine passes the
 * space's floor and whose verifier chain accepts it is judged by an oracle from its label, flipped at
 * {@code --judge-noise}, until {@code --judged} verdicts are in. The calibration the cache runs
 * ({@link Calibrator}) then chooses the threshold, which is applied to the holdout. The holdout also gives the
 * hindsight oracle: the single threshold, over the same verifier chain, that serves most within the bound there.
 */
@Command(name = "self-calibration", mixinStandardHelpOptions = true,
        description = "Learn a threshold from a simulated judge on a stream of labelled pairs, apply it to a holdout.")
public final class SelfCalibrationBench implements Callable<Integer> {

    @Option(names = "--pairs", paramLabel = "FILE", description = "Labelled pairs, split per seed into a stream and a holdout half.")
    Path pairs;

    @Option(names = "--stream", paramLabel = "FILE", description = "Pairs the judge sees (with --holdout instead of --pairs).")
    Path stream;

    @Option(names = "--holdout", paramLabel = "FILE", description = "Pairs the learnt threshold is measured on.")
    Path holdout;

    @Option(names = "--max-wrong-share", defaultValue = "0.05", description = "δ, the bound on wrong served hits (default: ${DEFAULT-VALUE}).")
    double maxWrongShare;

    @Option(names = "--judge-noise", defaultValue = "0.05",
            description = "Share of the judge's verdicts flipped, also given to the calibration as its judge's error rate (default: ${DEFAULT-VALUE}).")
    double judgeNoise;

    @Option(names = "--judged", defaultValue = "2000", description = "Judge verdicts the stream may use (default: ${DEFAULT-VALUE}).")
    int judged;

    @Option(names = "--seeds", defaultValue = "10", description = "Seeds, 1 to 1000 (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--floor", paramLabel = "COSINE", description = "Judge only candidates at or above this cosine (default: the space's own).")
    Double floor;

    @Option(names = "--confidence", defaultValue = "0.95", description = "Confidence of the bound (default: ${DEFAULT-VALUE}).")
    double confidence;

    @Option(names = "--verifiers", defaultValue = "shipped", paramLabel = "shipped|guards|none",
            description = "The verifier chain in front of the threshold: the space's shipped chain, its lexical and context "
                    + "guards only, or none (plain cosine) (default: ${DEFAULT-VALUE}).")
    String verifiers;

    @Option(names = "--alignment-min", paramLabel = "SCORE",
            description = "With --verifiers shipped: the token-alignment score a candidate needs, in place of the space's "
                    + "shipped one (0.93 for both in-process models; 0 turns the alignment off, keeping the guards).")
    Double alignmentMin;

    @Option(names = "--drift", paramLabel = "FILE",
            description = "A change in traffic: halfway through the stream, switch to this file's stream half, and report the "
                    + "wrong share, on this file's holdout half, of what is served after the switch.")
    Path drift;

    @Option(names = "--anytime-valid", description = "Bound the wrong share with a confidence sequence, valid at every look "
            + "(SelfCalibration.Builder.anytimeValid), instead of Clopper–Pearson.")
    boolean anytimeValid;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Option(names = "--no-cache", description = "Embed again even when features of the same file are cached.")
    boolean noCache;

    @Mixin
    EmbeddingOptions embedding = new EmbeddingOptions();

    private final PrintStream out;

    public SelfCalibrationBench() {
        this(System.out);
    }

    SelfCalibrationBench(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        SelfCalibration settings = settings();
        CHAIN.set(chainOption());
        boolean split = pairs != null;
        if (split == (stream != null || holdout != null) || (!split && (stream == null || holdout == null))) {
            throw new IllegalArgumentException("give --pairs FILE, or both --stream FILE and --holdout FILE");
        }
        if (seeds < 1 || seeds > 1000) {
            throw new IllegalArgumentException("--seeds must be from 1 to 1000, was " + seeds);
        }
        if (judged < 1) {
            throw new IllegalArgumentException("--judged must be at least 1, was " + judged);
        }
        List<PairFeatures> all = split ? only(pairs) : null;
        List<PairFeatures> streamFile = split ? null : only(stream);
        List<PairFeatures> holdoutFile = split ? null : only(holdout);
        List<PairFeatures> driftFile = drift == null ? null : only(drift);

        List<Map<String, Object>> perSeed = new ArrayList<>();
        List<Double> served = new ArrayList<>();
        List<Double> oracle = new ArrayList<>();
        List<Double> shippedServed = new ArrayList<>();
        List<Double> shippedWrong = new ArrayList<>();
        int within = 0;
        int clearlyOverBound = 0;
        int withinAtEveryLook = 0;
        int withinAfterSwitch = 0;
        for (int seed = 1; seed <= seeds; seed++) {
            Random shuffle = new Random(seed);
            List<PairFeatures> s;
            List<PairFeatures> h;
            if (split) {
                List<PairFeatures> copy = new ArrayList<>(all);
                Collections.shuffle(copy, shuffle);
                s = copy.subList(0, copy.size() / 2);
                h = copy.subList(copy.size() / 2, copy.size());
            } else {
                s = new ArrayList<>(streamFile);
                Collections.shuffle(s, shuffle);
                h = holdoutFile;
            }
            List<PairFeatures> afterHoldout = null;
            int switchAt = Integer.MAX_VALUE;
            if (driftFile != null) {
                List<PairFeatures> other = new ArrayList<>(driftFile);
                Collections.shuffle(other, new Random(seed + 7_919L));
                List<PairFeatures> changed = new ArrayList<>(s.subList(0, s.size() / 2));
                switchAt = changed.size();
                changed.addAll(other.subList(0, other.size() / 2));
                afterHoldout = other.subList(other.size() / 2, other.size());
                s = changed;
            }
            Run run = calibrate(s, h, switchAt, afterHoldout, settings, new Random(1_000_003L * seed + 17));
            Outcome learnt = Outcome.of(h, run.thresholds);
            Outcome best = oracle(h, maxWrongShare);
            Outcome shipped = Outcome.of(h, spacesOf(h, space -> OperatingPoint.shipped(space).threshold()));
            boolean ok = learnt.wrongShare() <= maxWrongShare;
            within += ok ? 1 : 0;
            boolean okAtEveryLook = run.worstLookWrongShare() <= maxWrongShare;
            withinAtEveryLook += okAtEveryLook ? 1 : 0;
            served.add(learnt.servedShare());
            oracle.add(best.servedShare());
            shippedServed.add(shipped.servedShare());
            shippedWrong.add(shipped.wrongShare());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("seed", seed);
            row.put("judgedPairs", run.judged);
            row.put("judgeCallsSaved", run.skippedByVerifiers);
            row.put("threshold", run.thresholds.isEmpty() ? null : thresholds(run.thresholds));
            row.put("holdoutWrongShare", round(learnt.wrongShare()));
            // The holdout is a sample too: its own 95% interval tells a broken bound (the whole interval above the
            // bound) from holdout noise (a point over it, the interval across it).
            double[] interval = learnt.wrongShareInterval();
            row.put("holdoutWrongShareInterval", interval == null ? null : List.of(round(interval[0]), round(interval[1])));
            boolean clearlyOver = interval != null && interval[0] > maxWrongShare;
            clearlyOverBound += clearlyOver ? 1 : 0;
            row.put("holdoutServed", round(learnt.servedShare()));
            row.put("withinBound", ok);
            row.put("worstLookWrongShare", round(run.worstLookWrongShare()));
            row.put("withinBoundAtEveryLook", okAtEveryLook);
            if (afterHoldout != null) {
                Outcome after = Outcome.of(afterHoldout, run.thresholds());
                boolean okAfter = run.worstLookAfterSwitch() <= maxWrongShare;
                withinAfterSwitch += okAfter ? 1 : 0;
                row.put("afterSwitchWrongShare", round(after.wrongShare()));
                row.put("afterSwitchServed", round(after.servedShare()));
                row.put("afterSwitchWorstLookWrongShare", round(run.worstLookAfterSwitch()));
                row.put("afterSwitchWithinBoundAtEveryLook", okAfter);
            }
            row.put("oracleThreshold", thresholds(best.thresholds));
            row.put("oracleServed", round(best.servedShare()));
            perSeed.add(row);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("file", split ? pairs.toString() : stream + " -> " + holdout);
        summary.put("maxWrongShare", maxWrongShare);
        summary.put("judgeNoise", judgeNoise);
        summary.put("judged", judged);
        summary.put("confidence", confidence);
        summary.put("anytimeValid", anytimeValid);
        summary.put("verifiers", verifiers);
        summary.put("alignmentMin", alignmentMin);
        summary.put("seeds", seeds);
        summary.put("seedsWithinBound", within);
        summary.put("seedsWhoseHoldoutIntervalIsAboveTheBound", clearlyOverBound);
        summary.put("seedsWithinBoundAtEveryLook", withinAtEveryLook);
        if (driftFile != null) {
            summary.put("drift", drift.toString());
            summary.put("seedsWithinBoundAfterSwitchAtEveryLook", withinAfterSwitch);
        }
        summary.put("medianServed", round(median(served)));
        summary.put("oracleStaticServed", round(median(oracle)));
        summary.put("servedToOracle", median(oracle) == 0 ? null : round(median(served) / median(oracle)));
        summary.put("shippedServed", round(median(shippedServed)));
        summary.put("shippedWrongShare", round(median(shippedWrong)));
        if (split) {
            ceiling(all, summary);
        }
        summary.put("perSeed", perSeed);
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(summary));
        } else {
            print(summary, perSeed);
        }
        return 0;
    }

    private SelfCalibration settings() {
        SelfCalibration.Builder b = SelfCalibration.builder().maxWrongShare(maxWrongShare).judgeNoise(judgeNoise)
                .confidence(confidence).anytimeValid(anytimeValid).maxPairs(Math.max(judged, SelfCalibration.DEFAULT_MIN_JUDGED))
                .minJudged(Math.min(SelfCalibration.DEFAULT_MIN_JUDGED, judged));
        if (floor != null) {
            b.floor(floor);
        }
        return b.build();
    }

    private List<PairFeatures> only(Path file) throws java.io.IOException {
        return QualityBench.load(List.of(file), embedding, !noCache).values().iterator().next();
    }

    /**
     * What the stream taught: the threshold of each space that serves, and how many verdicts it took; and over every
     * look (a space re-decides after each verdict, as in the cache), the highest wrong share any threshold it served
     * from would have had on the holdout.
     */
    private record Run(Map<String, Double> thresholds, int judged, int skippedByVerifiers, double worstLookWrongShare,
                       double worstLookAfterSwitch) {
    }

    /**
     * The stream, in order, as the cache sees it in shadow: a best candidate at or above the floor is first run
     * through the verifier chain (a pair the chain rejects is never served, so it costs no judge call), then judged.
     */
    private Run calibrate(List<PairFeatures> stream, List<PairFeatures> holdout, int switchAt, List<PairFeatures> afterSwitch,
                          SelfCalibration settings, Random noise) {
        Map<String, List<JudgedPair>> bySpace = new TreeMap<>();
        Map<String, CalibrationState> states = new TreeMap<>();
        Map<String, Double> serving = new TreeMap<>();
        Map<Map<String, Double>, Double> holdoutWrong = new java.util.HashMap<>();
        Map<Map<String, Double>, Double> afterWrong = new java.util.HashMap<>();
        double worst = 0;
        double worstAfter = 0;
        int index = -1;
        int verdicts = 0;
        int skipped = 0;
        for (PairFeatures f : stream) {
            index++;
            if (verdicts >= judged) {
                break;
            }
            if (!f.matchable() || f.cosine() < settings.floor(f.space())) {
                continue;
            }
            if (!chain(f.space()).serves(f)) {
                skipped++;
                continue;
            }
            boolean verdict = noise.nextDouble() < judgeNoise ? !f.same() : f.same();
            List<JudgedPair> pairs = bySpace.computeIfAbsent(f.space(), k -> new ArrayList<>());
            pairs.add(JudgedPair.judged(f.cosine(), true, verdict));
            verdicts++;
            // A look, as the cache takes one after each verdict (the drift test, then a decision): what it would serve
            // from now on. A space that serves may forget verdicts of traffic that is gone.
            Calibrator.Step step = Calibrator.next(states.getOrDefault(f.space(), CalibrationState.shadow(f.space(), -1)),
                    pairs, settings, pairs.size(), 0);
            if (step.drifted()) {
                pairs.subList(0, pairs.size() - step.pairs().size()).clear(); // the store keeps the newest only
            }
            CalibrationState look = step.state();
            states.put(f.space(), look);
            if (look.serving()) {
                serving.put(f.space(), look.threshold());
            } else {
                serving.remove(f.space());
            }
            if (!serving.isEmpty()) {
                Map<String, Double> now = new TreeMap<>(serving);
                if (index < switchAt) {
                    worst = Math.max(worst, holdoutWrong.computeIfAbsent(now, t -> Outcome.of(holdout, t).wrongShare()));
                } else {
                    worstAfter = Math.max(worstAfter, afterWrong.computeIfAbsent(now, t -> Outcome.of(afterSwitch, t).wrongShare()));
                }
            }
        }
        return new Run(serving, verdicts, skipped, worst, worstAfter); // the last look of each space decided from its pairs
    }

    /** The space's verifier chain, with no threshold of its own: the shipped chain of its model. */
    private static OperatingPoint chain(String space) {
        return CHAIN.get().apply(space);
    }

    /** The chain of this run (one bench per thread). */
    private static final ThreadLocal<java.util.function.Function<String, OperatingPoint>> CHAIN =
            ThreadLocal.withInitial(() -> space -> OperatingPoint.shipped(space).withThreshold(-1));

    private java.util.function.Function<String, OperatingPoint> chainOption() {
        if (alignmentMin != null && (!verifiers.equals("shipped") || alignmentMin < 0 || alignmentMin > 1)) {
            throw new IllegalArgumentException("--alignment-min goes with --verifiers shipped and is in [0, 1], was " + alignmentMin);
        }
        return switch (verifiers) {
            case "shipped" -> space -> {
                OperatingPoint p = OperatingPoint.shipped(space).withThreshold(-1);
                return alignmentMin == null ? p : new OperatingPoint(-1, p.lexical(), p.context(), alignmentMin, p.alignmentAbove());
            };
            case "guards" -> space -> new OperatingPoint(-1, true, true, 0, 1.01);
            case "none" -> space -> OperatingPoint.plainCosine(-1);
            default -> throw new IllegalArgumentException("--verifiers must be shipped, guards or none, was " + verifiers);
        };
    }

    /** What a threshold per space serves on the holdout (a space with none serves nothing). */
    record Outcome(Map<String, Double> thresholds, int paraphrases, int servedRight, int servedWrong) {
        static Outcome of(List<PairFeatures> holdout, Map<String, Double> thresholds) {
            int para = 0;
            int right = 0;
            int wrong = 0;
            for (PairFeatures f : holdout) {
                para += f.same() ? 1 : 0;
                Double t = f.matchable() ? thresholds.get(f.space()) : null;
                if (t != null && f.cosine() >= t && chain(f.space()).serves(f)) {
                    if (f.same()) {
                        right++;
                    } else {
                        wrong++;
                    }
                }
            }
            return new Outcome(thresholds, para, right, wrong);
        }

        /** Paraphrases served, as a share of the holdout's paraphrases. */
        double servedShare() {
            return paraphrases == 0 ? 0 : (double) servedRight / paraphrases;
        }

        /** The two-sided 95% Clopper–Pearson interval of the wrong share among served hits; null when none is served. */
        double[] wrongShareInterval() {
            int n = servedRight + servedWrong;
            return n == 0 ? null : new double[]{ClopperPearson.lower(servedWrong, n, 0.975), ClopperPearson.upper(servedWrong, n, 0.975)};
        }

        /** Wrong answers as a share of served hits; 0 when nothing is served. */
        double wrongShare() {
            int n = servedRight + servedWrong;
            return n == 0 ? 0 : (double) servedWrong / n;
        }
    }

    /**
     * Hindsight: per space, the one threshold over the same chain that serves the most paraphrases of the
     * holdout with a wrong share within the bound.
     */
    static Outcome oracle(List<PairFeatures> holdout, double maxWrongShare) {
        Map<String, Double> best = new TreeMap<>();
        Map<String, List<PairFeatures>> bySpace = new TreeMap<>();
        for (PairFeatures f : holdout) {
            if (f.matchable() && chain(f.space()).serves(f)) {
                bySpace.computeIfAbsent(f.space(), k -> new ArrayList<>()).add(f);
            }
        }
        for (Map.Entry<String, List<PairFeatures>> e : bySpace.entrySet()) {
            List<PairFeatures> sorted = new ArrayList<>(e.getValue());
            sorted.sort((a, b) -> Double.compare(b.cosine(), a.cosine()));
            int right = 0;
            int wrong = 0;
            for (int i = 0; i < sorted.size(); i++) {
                PairFeatures f = sorted.get(i);
                if (f.same()) {
                    right++;
                } else {
                    wrong++;
                }
                if (i + 1 < sorted.size() && sorted.get(i + 1).cosine() == f.cosine()) {
                    continue;
                }
                if ((double) wrong / (right + wrong) <= maxWrongShare) {
                    best.put(e.getKey(), f.cosine());
                }
            }
        }
        return Outcome.of(holdout, best);
    }

    /**
     * What any rule could serve and still be within the bound on 95% of holdouts. A holdout half is a sample: a
     * threshold whose true wrong share is exactly δ shows more than δ on about half of them. Taking the whole file as
     * the truth, the threshold that serves most with a wrong share at most δ − 1.645·√(δ(1−δ)/m), m the hits it
     * serves on a half, is about the most a rule can serve while 95 of 100 holdouts stay within δ (wholeFileCeiling),
     * beside the threshold whose whole-file share is δ itself (wholeFileAtBound); both as a share of the file's
     * paraphrases, which is comparable with the holdout's medianServed and oracleStaticServed.
     */
    private static void ceiling(List<PairFeatures> all, Map<String, Object> summary) {
        double delta = (Double) summary.get("maxWrongShare");
        Outcome atBound = oracle(all, delta);
        double hitsOnAHalf = (atBound.servedRight() + atBound.servedWrong()) / 2.0;
        double margin = hitsOnAHalf == 0 ? 0 : 1.645 * Math.sqrt(delta * (1 - delta) / hitsOnAHalf);
        Outcome ceiling = oracle(all, Math.max(0, delta - margin));
        summary.put("wholeFileAtBound", round(atBound.servedShare()));
        summary.put("wholeFileCeiling", round(ceiling.servedShare()));
        summary.put("wholeFileCeilingWrongShare", round(ceiling.wrongShare()));
        Object oracle = summary.get("oracleStaticServed");
        summary.put("ceilingToOracle", oracle instanceof Double o && o > 0 ? round(ceiling.servedShare() / o) : null);
    }

    private static Map<String, Double> spacesOf(List<PairFeatures> holdout, java.util.function.ToDoubleFunction<String> threshold) {
        Map<String, Double> out = new TreeMap<>();
        for (PairFeatures f : holdout) {
            if (f.matchable()) {
                out.computeIfAbsent(f.space(), threshold::applyAsDouble);
            }
        }
        return out;
    }

    private static Object thresholds(Map<String, Double> t) {
        if (t.size() == 1) {
            return round(t.values().iterator().next());
        }
        Map<String, Double> out = new TreeMap<>();
        t.forEach((k, v) -> out.put(k, round(v)));
        return out;
    }

    private void print(Map<String, Object> summary, List<Map<String, Object>> perSeed) {
        out.printf("%-5s %8s %10s %10s %17s %8s %7s %10s %8s%n", "seed", "judged", "threshold", "wrong", "wrong 95% CI", "served",
                "within", "oracle t", "oracle");
        for (Map<String, Object> r : perSeed) {
            Object ci = r.get("holdoutWrongShareInterval");
            out.printf("%-5s %8s %10s %10s %17s %8s %7s %10s %8s%n", r.get("seed"), r.get("judgedPairs"),
                    r.get("threshold") == null ? "none" : r.get("threshold"), r.get("holdoutWrongShare"),
                    ci == null ? "-" : ((List<?>) ci).get(0) + "–" + ((List<?>) ci).get(1), r.get("holdoutServed"),
                    r.get("withinBound"), r.get("oracleThreshold"), r.get("oracleServed"));
        }
        out.printf("%nseeds within the bound: %s of %s (%s with the holdout's whole 95%% interval above it; %s at every look); "
                        + "median served %s, hindsight %s (%s of it); shipped point serves %s at %s wrong%n",
                summary.get("seedsWithinBound"), summary.get("seeds"), summary.get("seedsWhoseHoldoutIntervalIsAboveTheBound"),
                summary.get("seedsWithinBoundAtEveryLook"), summary.get("medianServed"),
                summary.get("oracleStaticServed"), summary.get("servedToOracle"), summary.get("shippedServed"),
                summary.get("shippedWrongShare"));
        if (summary.containsKey("wholeFileCeiling")) {
            out.printf("the whole file as the truth: %s served at δ itself; %s (%s of hindsight) at the share that 95%% of "
                            + "holdouts keep within δ%n", summary.get("wholeFileAtBound"), summary.get("wholeFileCeiling"),
                    summary.get("ceilingToOracle"));
        }
    }

    static double median(List<Double> values) {
        List<Double> v = new ArrayList<>(values);
        Collections.sort(v);
        int n = v.size();
        return n == 0 ? 0 : n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    private static double round(double d) {
        return Math.round(d * 10000) / 10000.0;
    }

}
