package io.promptcache.calibration;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WrongShareBoundTest {

    @Test
    void clopperPearsonMatchesTheBetaQuantile() {
        // Reference values: the confidence-quantile of Beta(x + 1, n - x), from an independent implementation.
        assertEquals(0.1022533776, ClopperPearson.upper(5, 100, 0.95), 1e-8);
        assertEquals(0.0495076099, ClopperPearson.upper(0, 59, 0.95), 1e-8);
        assertEquals(0.3941633024, ClopperPearson.upper(1, 10, 0.95), 1e-8);
        assertEquals(0.1028675390, ClopperPearson.upper(40, 500, 0.95), 1e-8);
        assertEquals(0.2092994656, ClopperPearson.upper(3, 30, 0.90), 1e-8);
        assertEquals(0.9994871986, ClopperPearson.upper(99, 100, 0.95), 1e-8);
        assertEquals(1.0, ClopperPearson.upper(7, 7, 0.95));
        assertThrows(IllegalArgumentException.class, () -> ClopperPearson.upper(3, 2, 0.95));
        // The lower bound: the (1 - confidence)-quantile of Beta(x, n - x + 1), the mirror of the upper one.
        assertEquals(0.8977466224, ClopperPearson.lower(95, 100, 0.95), 1e-8);
        assertEquals(0.0005128014, ClopperPearson.lower(1, 100, 0.95), 1e-8);
        assertEquals(0.0, ClopperPearson.lower(0, 100, 0.95));
        assertThrows(IllegalArgumentException.class, () -> ClopperPearson.lower(3, 2, 0.95));
    }

    @Test
    void theBoundCoversTheTrueShareAtLeastAsOftenAsItsConfidence() {
        Random r = new Random(7);
        int covered = 0;
        int trials = 4000;
        for (int t = 0; t < trials; t++) {
            int x = 0;
            for (int i = 0; i < 200; i++) {
                x += r.nextDouble() < 0.04 ? 1 : 0;
            }
            covered += ClopperPearson.upper(x, 200, 0.95) >= 0.04 ? 1 : 0;
        }
        assertTrue(covered >= 0.95 * trials, "covered " + covered + " of " + trials);
    }

    @Test
    void aNoisyJudgeWidensTheBoundOnTheSamePairs() {
        // 400 served pairs, 4% truly wrong. A judge with 5% symmetric noise, corrected, must still bound the
        // true share, and more loosely than a perfect judge on the same pairs (the interval is wider).
        Random r = new Random(11);
        double perfect = 0;
        double noisy = 0;
        int coveredNoisy = 0;
        int trials = 2000;
        for (int t = 0; t < trials; t++) {
            int wrong = 0;
            int judgedWrong = 0;
            for (int i = 0; i < 400; i++) {
                boolean w = r.nextDouble() < 0.04;
                wrong += w ? 1 : 0;
                judgedWrong += (r.nextDouble() < 0.05) != w ? 1 : 0;
            }
            perfect += new WrongShareBound(0.95, 0).upper(400, wrong, 0);
            double b = new WrongShareBound(0.95, 0.05).upper(400, judgedWrong, 0);
            noisy += b;
            coveredNoisy += b >= 0.04 ? 1 : 0;
        }
        assertTrue(noisy > perfect, "mean bound with a noisy judge " + noisy / trials + ", perfect " + perfect / trials);
        assertTrue(coveredNoisy >= 0.95 * trials, "covered " + coveredNoisy + " of " + trials);
    }

    @Test
    void withNoNoiseDeclaredAnyJudgeNoiseOnlyMakesItMoreCareful() {
        // The default judgeNoise is 0: flipped verdicts then only add "wrong" ones (few pairs are wrong), so the
        // bound goes up, never down.
        WrongShareBound b = new WrongShareBound(0.95, 0);
        assertTrue(b.upper(400, 16 + 20, 0) > b.upper(400, 16, 0));
    }

    @Test
    void reportedWrongAnswersCountInFull() {
        WrongShareBound b = new WrongShareBound(0.95, 0.05);
        double without = b.upper(300, 20, 0);
        double with = b.upper(300, 20, 10);
        assertTrue(with > without);
        assertTrue(with >= 10.0 / 310, "ten certain wrong answers of 310 are at least 10/310");
    }

    @Test
    void theLowestThresholdWithinTheBoundIsChosenAndOnlyVerifiedPairsCount() {
        List<JudgedPair> pairs = new ArrayList<>();
        // 300 right answers from 0.99 down to 0.96, then a band of near misses at 0.95.
        for (int i = 0; i < 300; i++) {
            pairs.add(JudgedPair.judged(0.99 - i * 0.0001, true, true));
        }
        for (int i = 0; i < 40; i++) {
            pairs.add(JudgedPair.judged(0.95, true, false));
        }
        // A wrong pair the verifiers reject never counts: it is never served.
        for (int i = 0; i < 50; i++) {
            pairs.add(JudgedPair.judged(0.985, false, false));
        }
        ThresholdChoice c = ThresholdChoice.choose(pairs, 0.05, new WrongShareBound(0.95, 0), 1);
        assertTrue(c.found());
        assertEquals(0.99 - 299 * 0.0001, c.threshold(), 1e-9, "the band of near misses stays below the threshold");
        assertEquals(300, c.judged());
        assertEquals(0, c.wrong());
        assertTrue(c.bound() <= 0.05);
        assertFalse(ThresholdChoice.choose(pairs.subList(0, 20), 0.05, new WrongShareBound(0.95, 0), 1).found(),
                "20 right answers cannot show a 5% bound at 95%");
    }

    @Test
    void aServingSpaceWhoseBoundBreaksGoesUpOrBackToShadow() {
        SelfCalibration s = SelfCalibration.builder().judge((a, b) -> true).minJudged(50).build();
        List<JudgedPair> pairs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            pairs.add(JudgedPair.judged(0.90 + i * 0.0005, true, true));
        }
        CalibrationState first = Calibrator.decide(CalibrationState.shadow("m", 4), pairs, s, 200, 1);
        assertTrue(first.serving());
        assertEquals(0.90, first.threshold(), 1e-9);
        // Users report wrong answers served just above the threshold.
        for (int i = 0; i < 12; i++) {
            pairs.add(JudgedPair.reportedWrong(0.91));
        }
        CalibrationState raised = Calibrator.decide(first, pairs, s, 200, 2);
        assertTrue(raised.serving());
        assertTrue(raised.threshold() > 0.91, "raised above the reports, to " + raised.threshold());
        for (int i = 0; i < 200; i++) {
            pairs.add(JudgedPair.reportedWrong(0.999));
        }
        CalibrationState back = Calibrator.decide(raised, pairs, s, 200, 3);
        assertFalse(back.serving(), "no threshold keeps the bound: shadow");
        assertTrue(Double.isNaN(back.threshold()));
    }

    @Test
    void badSettingsFailAtBuildTimeNamingTheSetting() {
        assertThrows(IllegalArgumentException.class, () -> SelfCalibration.builder().maxWrongShare(0.5), "maxWrongShare");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SelfCalibration.builder().maxWrongShare(0))
                .getMessage().contains("maxWrongShare"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SelfCalibration.builder().judgeCallsPerHour(0))
                .getMessage().contains("judgeCallsPerHour"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SelfCalibration.builder().maxJudgeCalls(-1))
                .getMessage().contains("maxJudgeCalls"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SelfCalibration.builder().judgeNoise(0.5))
                .getMessage().contains("judgeNoise"));
    }

    @Test
    void judgedPairsAndStatesRoundTripAndRejectAnythingElse() {
        JudgedPair p = JudgedPair.judged(0.93125, true, false);
        assertEquals(p, JudgedPair.decode(p.encode()));
        assertThrows(IllegalArgumentException.class, () -> JudgedPair.decode("0.9,1,1"));
        assertThrows(IllegalArgumentException.class, () -> JudgedPair.decode("0.9,1,x,0"));
        CalibrationState st = new CalibrationState("bge-m3", 1024, CalibrationPhase.SERVING, 0.91, 0.04, 500, 12, 530, 99);
        assertEquals(st, CalibrationState.fromJson(st.toJson()));
        assertThrows(IllegalArgumentException.class, () -> CalibrationState.fromJson("{\"format\":2}"));
        assertThrows(IllegalArgumentException.class, () -> CalibrationState.fromJson("not json"));
    }

    /**
     * Looked at after every observation, Clopper–Pearson at 95% rules out the true share in far more than 5% of
     * streams; the beta-mixture confidence sequence ever does in at most about 5%, however many looks.
     */
    @Test
    void theAnytimeBoundHoldsAtEveryLookWhereClopperPearsonDoesNot() {
        double p = 0.05;
        double level = -Math.log(0.05);
        int streams = 400;
        int everMixture = 0;
        int everCp = 0;
        java.util.Random r = new java.util.Random(11);
        for (int s = 0; s < streams; s++) {
            int x = 0;
            boolean mixtureMissed = false;
            boolean cpMissed = false;
            for (int n = 1; n <= 1000; n++) {
                x += r.nextDouble() < p ? 1 : 0;
                // The true share is ruled out when the martingale reaches 1/alpha (the mixture), or when
                // P(Binomial(n, p) <= x) <= alpha, i.e. I_p(x + 1, n - x) >= 0.95 (Clopper–Pearson).
                mixtureMissed |= BetaMixtureBound.logMartingale(x, n, p) >= level;
                cpMissed |= x < n && ClopperPearson.regularizedBeta(p, x + 1, n - x) >= 0.95;
            }
            everMixture += mixtureMissed ? 1 : 0;
            everCp += cpMissed ? 1 : 0;
        }
        System.out.printf("true share ruled out at some look of 1,000 (of %d streams): beta mixture %d, Clopper-Pearson %d%n",
                streams, everMixture, everCp);
        assertTrue(everMixture <= 0.07 * streams, "the confidence sequence missed in " + everMixture + " of " + streams);
        assertTrue(everCp >= 0.15 * streams, "Clopper–Pearson at every look missed in only " + everCp + " of " + streams);
    }

    @Test
    void theAnytimeBoundIsWiderThanClopperPearsonAndSitsWhereTheMartingaleCrossesItsLevel() {
        for (int[] c : new int[][]{{0, 30}, {5, 100}, {15, 240}, {60, 750}}) {
            double u = BetaMixtureBound.upper(c[0], c[1], 0.95);
            assertTrue(u > ClopperPearson.upper(c[0], c[1], 0.95), "wider: " + u);
            assertEquals(-Math.log(0.05), BetaMixtureBound.logMartingale(c[0], c[1], u), 1e-6);
        }
        assertEquals(1.0, BetaMixtureBound.upper(0, 0, 0.95));
        assertEquals(1.0, BetaMixtureBound.upper(4, 4, 0.95));
        assertTrue(new WrongShareBound(0.95, 0, true).upper(240, 15, 0) > new WrongShareBound(0.95, 0).upper(240, 15, 0));
    }

    /** The one-evaluation test agrees with the bound it stands for, both bounds, with noise and reported pairs. */
    @Test
    void withinAgreesWithTheBound() {
        java.util.Random r = new java.util.Random(3);
        for (boolean anytime : new boolean[]{false, true}) {
            for (double noise : new double[]{0, 0.05}) {
                WrongShareBound bound = new WrongShareBound(0.95, noise, anytime);
                for (int i = 0; i < 2000; i++) {
                    int judged = r.nextInt(400);
                    int wrong = judged == 0 ? 0 : r.nextInt(Math.max(1, judged / 5));
                    int reported = r.nextInt(3);
                    double max = 0.01 + 0.2 * r.nextDouble();
                    double upper = bound.upper(judged, wrong, reported);
                    if (Math.abs(upper - max) > 1e-9) {
                        assertEquals(upper <= max, bound.within(judged, wrong, reported, max),
                                "judged " + judged + " wrong " + wrong + " reported " + reported + " max " + max + " bound " + upper
                                        + " anytime " + anytime + " noise " + noise);
                    }
                }
            }
        }
    }
}
