package io.promptcache.calibration;

import java.util.List;

/**
 * The decision of one vector space, from its judged pairs: the lowest threshold within the bound, or shadow.
 * Pure: every instance that reads the same pairs decides the same, and the bench runs exactly this.
 */
public final class Calibrator {

    private Calibrator() {
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
