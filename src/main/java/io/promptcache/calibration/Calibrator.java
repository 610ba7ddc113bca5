package io.promptcache.calibration;

import java.util.List;

/**
 * The decision of one vector space, from its judged pairs: the lowest threshold within the bound, or shadow.
 * Pure: every instance that reads the same pairs decides the same, and the bench runs exactly this.
 */
public final class Calibrator {

    private Calibrator() {
    }

    /** Confidence of the drift test: it runs at every verdict, so it is stricter than the bound's. */
    static final double DRIFT_CONFIDENCE = 0.99;

    /** Fewest recent verdicts above the served threshold the drift test needs before it may speak. */
    static final int DRIFT_MIN_PAIRS = 10;

    /**
     * The pairs to decide from after a change in traffic. A serving space whose newest {@code driftWindow} verdicts,
     * among those at or above the threshold it serves from, are wrong more often than the bound allows (the one-sided
     * 99% Clopper–Pearson lower bound of their noise-corrected wrong share is above it) keeps only those newest
     * verdicts: the older ones describe traffic that is gone, and would otherwise outweigh the new. Otherwise all
     * pairs, unchanged.
     */
    public static List<JudgedPair> afterDrift(CalibrationState previous, List<JudgedPair> pairs, SelfCalibration settings) {
        int window = settings.driftWindow();
        if (!previous.serving() || window == 0 || pairs.size() <= window) {
            return pairs;
        }
        List<JudgedPair> recent = pairs.subList(pairs.size() - window, pairs.size());
        ThresholdChoice.Above c = ThresholdChoice.Above.count(previous.threshold(), recent);
        if (c.judged() + c.reported() < DRIFT_MIN_PAIRS) {
            return pairs;
        }
        double lower = settings.bound().lower(c.judged(), c.judgedWrong(), c.reported(), DRIFT_CONFIDENCE);
        return lower > settings.maxWrongShare() ? List.copyOf(recent) : pairs;
    }

    /**
     * One step of a space, as the cache takes it after each verdict: the drift test ({@link #afterDrift}), then a
     * decision ({@link #decide}) from the pairs it keeps.
     *
     * @param pairs   the pairs the space keeps after this step: all it had, or the newest after a drift
     * @param state   the decision
     * @param drifted whether the drift test dropped older pairs (the store must then keep only {@code pairs})
     */
    public record Step(List<JudgedPair> pairs, CalibrationState state, boolean drifted) {
    }

    /**
     * {@link #afterDrift} then {@link #decide}: the one step that the cache ({@code SelfCalibrator}) and the bench both
     * run. {@code previous} is the state the space serves with now; only its phase and threshold (for the drift test)
     * and its model and dimension (for the decision) are read.
     */
    public static Step next(CalibrationState previous, List<JudgedPair> pairs, SelfCalibration settings, long judgeCalls,
                            long now) {
        List<JudgedPair> kept = afterDrift(previous, pairs, settings);
        CalibrationState decided = decide(CalibrationState.shadow(previous.model(), previous.dimension()), kept, settings,
                judgeCalls, now);
        return new Step(kept, decided, kept.size() < pairs.size());
    }

    /**
     * Decides anew from all judged pairs. A serving space whose bound is broken moves up to the lowest threshold
     * still within it, or back to shadow when none is; it never keeps a threshold the pairs no longer support.
     */
    public static CalibrationState decide(CalibrationState previous, List<JudgedPair> pairs, SelfCalibration settings,
                                          long judgeCalls, long now) {
        int wrong = 0;
        for (JudgedPair p : pairs) {
            wrong += p.same() ? 0 : 1;
        }
        ThresholdChoice choice = pairs.size() < settings.minJudged() ? ThresholdChoice.NONE
                : ThresholdChoice.choose(pairs, settings.maxWrongShare(), settings.bound(), 1);
        if (!choice.found()) {
            return new CalibrationState(previous.model(), previous.dimension(), CalibrationPhase.SHADOW, Double.NaN, 1,
                    pairs.size(), wrong, judgeCalls, now);
        }
        return new CalibrationState(previous.model(), previous.dimension(), CalibrationPhase.SERVING, choice.threshold(),
                choice.bound(), pairs.size(), wrong, judgeCalls, now);
    }
}
