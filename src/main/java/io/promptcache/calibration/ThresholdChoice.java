package io.promptcache.calibration;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The lowest cosine threshold whose served hits are, with the bound's confidence, wrong at most
 * {@code maxWrongShare} of the time, chosen from judged pairs.
 *
 * <p>Only pairs the verifier chain accepted count: the chain stays in front of every served hit, so a pair it
 * rejects is never served whatever the threshold. Thresholds are tried from the top down (the highest
 * judged cosine first), a candidate threshold being each distinct judged cosine.
 *
 * @param threshold the chosen threshold, or NaN when no threshold is within the bound
 * @param judged    judged pairs at or above it that the chain accepted
 * @param wrong     of those, the ones judged or reported wrong
 * @param bound     the bound on the wrong share at the threshold (1 when none)
 */
public record ThresholdChoice(double threshold, int judged, int wrong, double bound) {

    public static final ThresholdChoice NONE = new ThresholdChoice(Double.NaN, 0, 0, 1);

    public boolean found() {
        return !Double.isNaN(threshold);
    }

    /**
     * @param minJudged judged pairs a threshold needs above it before it is considered at all
     */
    public static ThresholdChoice choose(List<JudgedPair> pairs, double maxWrongShare, WrongShareBound bound,
                                         int minJudged) {
        List<JudgedPair> eligible = new ArrayList<>();
        for (JudgedPair p : pairs) {
            if (p.verifiersPassed()) {
                eligible.add(p);
            }
        }
        eligible.sort(Comparator.comparingDouble(JudgedPair::cosine).reversed());
        // The counts at or above each candidate (each distinct cosine, a threshold takes every pair of its cosine).
        int n = eligible.size();
        double[] cosine = new double[n];
        int[] judgedAt = new int[n];
        int[] wrongAt = new int[n];
        int[] reportedAt = new int[n];
        int candidates = 0;
        int judged = 0;
        int judgedWrong = 0;
        int reported = 0;
        for (int i = 0; i < n; i++) {
            JudgedPair p = eligible.get(i);
            if (p.reported()) {
                reported++;
            } else {
                judged++;
                judgedWrong += p.same() ? 0 : 1;
            }
            if (i + 1 < n && eligible.get(i + 1).cosine() == p.cosine()) {
                continue;
            }
            cosine[candidates] = p.cosine();
            judgedAt[candidates] = judged;
            wrongAt[candidates] = judgedWrong;
            reportedAt[candidates] = reported;
            candidates++;
        }
        // The lowest candidate within the bound wins, so look from the bottom up and stop at the first: a space
        // decides after every verdict, and most low candidates fail on their observed share alone, with no bound.
        for (int c = candidates - 1; c >= 0; c--) {
            int total = judgedAt[c] + reportedAt[c];
            if (total < minJudged || bound.pointEstimate(judgedAt[c], wrongAt[c], reportedAt[c]) > maxWrongShare) {
                continue; // the bound is never below the observed share
            }
            if (bound.within(judgedAt[c], wrongAt[c], reportedAt[c], maxWrongShare)) {
                return new ThresholdChoice(cosine[c], total, wrongAt[c] + reportedAt[c],
                        bound.upper(judgedAt[c], wrongAt[c], reportedAt[c]));
            }
        }
        return NONE;
    }

    /** The bound at a given threshold. */
    public static ThresholdChoice at(double threshold, List<JudgedPair> pairs, WrongShareBound bound) {
        Above c = Above.count(threshold, pairs);
        return new ThresholdChoice(threshold, c.judged() + c.reported(), c.judgedWrong() + c.reported(),
                bound.upper(c.judged(), c.judgedWrong(), c.reported()));
    }

    /** The pairs the chain accepted at or above a threshold: judged, judged wrong, reported wrong. */
    record Above(int judged, int judgedWrong, int reported) {

        static Above count(double threshold, List<JudgedPair> pairs) {
            int judged = 0;
            int judgedWrong = 0;
            int reported = 0;
            for (JudgedPair p : pairs) {
                if (!p.verifiersPassed() || p.cosine() < threshold) {
                    continue;
                }
                if (p.reported()) {
                    reported++;
                } else {
                    judged++;
                    judgedWrong += p.same() ? 0 : 1;
                }
            }
            return new Above(judged, judgedWrong, reported);
        }
    }
}
