package io.promptcache.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptcache.calibration.CalibrationState;
import io.promptcache.calibration.CalibrationStore;
import io.promptcache.calibration.JudgedPair;
import io.promptcache.redis.RedisCacheStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code promptcache calibration status|reset --store redis://…}: the self-calibration every instance on a shared
 * store serves with, per vector space, and a reset that sends a space back to shadow.
 */
@Command(name = "calibration", mixinStandardHelpOptions = true,
        description = "Self-calibration of each vector space on a shared store: status, or reset (back to shadow).")
public final class CalibrationCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "status|reset", description = "status: what each space serves with; reset: forget a space's calibration.")
    String action;

    @Mixin
    StoreLocation store;

    @Option(names = "--space", paramLabel = "NAME", description = "Only this vector space (zh, en, or single); reset needs it.")
    String space;

    @Option(names = "--json", description = "Print one JSON object (with each space's cosine histogram).")
    boolean json;

    @Option(names = "--histogram", description = "Also print each space's judged pairs by cosine, 0.01 wide: judged and "
            + "judged wrong, the data to choose a floor from (docs/quality.md, \"A floor for your own embedder\").")
    boolean histogram;

    private final PrintStream out;

    public CalibrationCommand() {
        this(System.out);
    }

    CalibrationCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        if (!action.equals("status") && !action.equals("reset")) {
            throw new IllegalArgumentException("the action is status or reset, was '" + action + "'");
        }
        if (action.equals("reset") && space == null) {
            throw new IllegalArgumentException("reset needs --space NAME (see `calibration status`)");
        }
        if (!store.redis()) {
            out.println("the memory store lives inside one process; give --store redis://… to see a shared calibration");
            return 0;
        }
        try (RedisCacheStore cache = RedisCacheStore.builder().config(store.redisConfig()).build()) {
            CalibrationStore calibration = cache.calibrationStore();
            if (action.equals("reset")) {
                boolean known = calibration.spaces().contains(space);
                calibration.reset(space);
                out.println(known ? "space " + space + " reset: every instance serves it from shadow on its next refresh"
                        : "space " + space + " had no calibration; nothing to reset");
                return 0;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            for (String name : calibration.spaces()) {
                if (space == null || space.equals(name)) {
                    rows.add(row(name, calibration));
                }
            }
            if (json) {
                out.println(new ObjectMapper().writeValueAsString(Map.of("spaces", rows)));
            } else if (rows.isEmpty()) {
                out.println("no vector space has a calibration under prefix " + store.keyPrefix());
            } else {
                out.printf("%-7s %-8s %9s %11s %7s %7s %11s  %s%n", "space", "phase", "threshold", "wrong bound", "judged",
                        "wrong", "judge calls", "model");
                for (Map<String, Object> r : rows) {
                    out.printf("%-7s %-8s %9s %11s %7s %7s %11s  %s%n", r.get("space"), r.get("phase"),
                            r.get("threshold") == null ? "-" : r.get("threshold"), r.get("wrongShareBound"), r.get("judgedPairs"),
                            r.get("judgedWrong"), r.get("judgeCalls"), r.get("model") == null ? "-" : r.get("model"));
                }
                if (histogram) {
                    for (Map<String, Object> r : rows) {
                        printHistogram(r);
                    }
                }
            }
            return 0;
        }
    }

    private static Map<String, Object> row(String name, CalibrationStore calibration) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("space", name);
        List<String> pairs = calibration.pairs(name);
        List<JudgedPair> readable = new ArrayList<>(pairs.size());
        int wrong = 0;
        int unreadable = 0;
        for (String p : pairs) {
            try {
                JudgedPair pair = JudgedPair.decode(p);
                readable.add(pair);
                wrong += pair.same() ? 0 : 1;
            } catch (IllegalArgumentException e) {
                unreadable++;
            }
        }
        try {
            CalibrationState st = calibration.state(name).map(CalibrationState::fromJson).orElse(null);
            r.put("phase", st == null ? "SHADOW" : st.phase().name());
            r.put("threshold", st == null || !st.serving() ? null : round(st.threshold()));
            r.put("wrongShareBound", st == null ? 1.0 : round(st.bound()));
            r.put("model", st == null ? null : st.model());
            r.put("dimension", st == null ? null : st.dimension());
        } catch (IllegalArgumentException corrupt) {
            r.put("phase", "UNREADABLE");
            r.put("wrongShareBound", 1.0);
        }
        r.put("cosineHistogram", histogram(readable));
        r.put("judgedPairs", pairs.size());
        r.put("judgedWrong", wrong);
        r.put("unreadablePairs", unreadable);
        r.put("judgeCalls", calibration.addJudgeCalls(name, 0));
        return r;
    }

    /** Judged pairs by cosine in bins 0.01 wide, from the lowest judged: judged, judged wrong (reported wrong included). */
    static List<Map<String, Object>> histogram(List<JudgedPair> pairs) {
        java.util.TreeMap<Integer, int[]> bins = new java.util.TreeMap<>();
        for (JudgedPair p : pairs) {
            int[] bin = bins.computeIfAbsent((int) Math.floor(p.cosine() * 100 + 1e-9), k -> new int[2]);
            bin[0]++;
            bin[1] += p.same() ? 0 : 1;
        }
        List<Map<String, Object>> out = new ArrayList<>();
        bins.forEach((k, v) -> {
            Map<String, Object> bin = new LinkedHashMap<>();
            bin.put("from", k / 100.0);
            bin.put("to", Math.min(1.0, (k + 1) / 100.0));
            bin.put("judged", v[0]);
            bin.put("wrong", v[1]);
            out.add(bin);
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    private void printHistogram(Map<String, Object> r) {
        out.printf("%nspace %s: judged pairs by cosine%n%-13s %7s %7s %11s%n", r.get("space"), "cosine", "judged", "wrong",
                "wrong share");
        for (Map<String, Object> bin : (List<Map<String, Object>>) r.get("cosineHistogram")) {
            int judged = (Integer) bin.get("judged");
            int wrong = (Integer) bin.get("wrong");
            out.printf("%.2f – %.2f   %7d %7d %11.3f%n", (Double) bin.get("from"), (Double) bin.get("to"), judged, wrong,
                    judged == 0 ? 0.0 : (double) wrong / judged);
        }
    }

    private static double round(double d) {
        return Math.round(d * 10000) / 10000.0;
    }
}
