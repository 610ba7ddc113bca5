package io.promptcache.calibration;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A serving space whose traffic changes: its newest verdicts break the bound at the threshold it serves from, and
 * within a stated number of verdicts it raises its threshold or goes back to shadow, as the cache decides after each
 * verdict ({@link Calibrator#afterDrift} then {@link Calibrator#decide}, as {@link SelfCalibrator} runs them).
 */
class DriftTest {

    /**
     * The most verdicts a space may take to react after the switch below (40% wrong at δ 0.05; measured with the
     * drift test: 26 to 65 over 50 seeds, mean 43; without it, seed 1 kept serving for 132).
     */
    static final int STATED_DELAY = 80;

    static final SelfCalibration SETTINGS = SelfCalibration.builder().judge((a, b) -> true).maxWrongShare(0.05)
            .minJudged(100).maxPairs(4000).build();

    /** Cosines uniform in [0.90, 1); wrong with the given probability. */
    static JudgedPair pair(Random r, double wrongRate) {
        return JudgedPair.judged(0.90 + 0.1 * r.nextDouble(), true, r.nextDouble() >= wrongRate);
    }

    /** Verdicts after the switch until the space no longer serves from the threshold it had; -1 if it never stops. */
    static int reactionDelay(SelfCalibration settings, long seed) {
        Random r = new Random(seed);
        List<JudgedPair> pairs = new ArrayList<>();
        CalibrationState state = CalibrationState.shadow("m", 8);
        for (int i = 0; i < 1500; i++) {
            pairs.add(pair(r, 0.01));
            state = step(state, pairs, settings);
        }
        assertTrue(state.serving(), "1% wrong: the space serves before the switch");
        double before = state.threshold();
        for (int i = 1; i <= 1000; i++) {
            pairs.add(pair(r, 0.4)); // the traffic changes: 40% of hits at every cosine would now be wrong
            state = step(state, pairs, settings);
            if (!state.serving() || state.threshold() > before) {
                return i;
            }
        }
        return -1;
    }

    static CalibrationState step(CalibrationState state, List<JudgedPair> pairs, SelfCalibration settings) {
        Calibrator.Step step = Calibrator.next(state, pairs, settings, pairs.size(), 0);
        if (step.drifted()) {
            pairs.subList(0, pairs.size() - step.pairs().size()).clear(); // the store keeps the newest only
        }
        return step.state();
    }

    @Test
    void aChangedStreamRaisesTheThresholdOrGoesBackToShadowWithinTheStatedVerdicts() {
        List<Integer> delays = new ArrayList<>();
        for (long seed = 1; seed <= 50; seed++) {
            int delay = reactionDelay(SETTINGS, seed);
            assertTrue(delay > 0 && delay <= STATED_DELAY, "seed " + seed + ": reacted after " + delay + " verdicts");
            delays.add(delay);
        }
        System.out.println("drift reaction delays over 50 seeds: " + delays.stream().mapToInt(Integer::intValue).summaryStatistics());
    }

    @Test
    void withoutTheDriftTestTheOldVerdictsOutweighTheNew() {
        SelfCalibration off = SelfCalibration.builder().judge((a, b) -> true).maxWrongShare(0.05).minJudged(100)
                .maxPairs(4000).driftWindow(0).build();
        int delay = reactionDelay(off, 1);
        assertTrue(delay == -1 || delay > STATED_DELAY, "without it the space kept serving for " + delay + " verdicts");
    }

    @Test
    void steadyTrafficIsNotTakenForAChange() {
        Random r = new Random(7);
        List<JudgedPair> pairs = new ArrayList<>();
        CalibrationState state = CalibrationState.shadow("m", 8);
        int drifts = 0;
        for (int i = 0; i < 3000; i++) {
            pairs.add(pair(r, 0.01));
            int before = pairs.size();
            state = step(state, pairs, SETTINGS);
            drifts += pairs.size() < before ? 1 : 0;
        }
        assertEquals(0, drifts, "1% wrong throughout is no change");
    }
}
