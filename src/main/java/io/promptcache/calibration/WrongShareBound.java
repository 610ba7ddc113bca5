package io.promptcache.calibration;

/**
 * An upper confidence bound on the share of wrong answers among served semantic hits, from judged pairs.
 *
 * <p>The judge is noisy: with a symmetric error rate ρ, a pair that is truly wrong with probability w is
 * judged wrong with probability u = ρ + w(1 − 2ρ). The bound takes the one-sided Clopper–Pearson upper
 * bound of u and maps it back through w = (u − ρ)/(1 − 2ρ). The map is exact for a judge with that error
 * rate, and it widens the interval by 1/(1 − 2ρ), so a noisier judge needs more judged pairs for the same
 * bound: it makes the threshold more careful. Reported wrong answers ({@code reportWrong}) are certain and
 * are added as they are, after the correction.
 *
 * <p>Clopper–Pearson is exact for one look at a fixed number of pairs. A space re-decides after every verdict, so
 * an {@linkplain #anytimeValid() anytime-valid} bound ({@link BetaMixtureBound}, a confidence sequence) holds at
 * every look at once, at the cost of a wider bound (docs/quality.md measures how much).
 */
public final class WrongShareBound {

    private final double confidence;
    private final double judgeNoise;
    private final boolean anytimeValid;

    /** Clopper–Pearson, exact for one look. */
    public WrongShareBound(double confidence, double judgeNoise) {
        this(confidence, judgeNoise, false);
    }

    /** @param anytimeValid true: the beta-mixture confidence sequence, valid at every look; false: Clopper–Pearson */
    public WrongShareBound(double confidence, double judgeNoise, boolean anytimeValid) {
        if (!(confidence > 0.5 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0.5, 1), got " + confidence);
        }
        if (!(judgeNoise >= 0 && judgeNoise < 0.5)) {
            throw new IllegalArgumentException("judgeNoise must be in [0, 0.5), got " + judgeNoise);
        }
        this.confidence = confidence;
        this.judgeNoise = judgeNoise;
        this.anytimeValid = anytimeValid;
    }

    /** Whether the bound holds at every look at once (a confidence sequence), not only at one. */
    public boolean anytimeValid() {
        return anytimeValid;
    }

    public double confidence() {
        return confidence;
    }

    public double judgeNoise() {
        return judgeNoise;
    }

    /**
     * Whether {@link #upper} is at most {@code maxShare}, decided with one evaluation of the test at that share
     * instead of a search for the bound: a space tries many thresholds after every verdict.
     */
    public boolean within(int judged, int judgedWrong, int reported, double maxShare) {
        if (judged + reported == 0) {
            return false;
        }
        if (judged == 0) {
            return (double) reported / reported <= maxShare;
        }
        // upper <= maxShare  <=>  w <= wMax  <=>  the bound on the judged share u is at most uMax.
        double wMax = (maxShare * (judged + reported) - reported) / judged;
        if (wMax < 0) {
            return false;
        }
        if (wMax >= 1) {
            return true;
        }
        double uMax = judgeNoise + wMax * (1 - 2 * judgeNoise);
        if (judgedWrong == judged) {
            return uMax >= 1;
        }
        if (anytimeValid) {
            return (double) judgedWrong / judged <= uMax
                    && BetaMixtureBound.logMartingale(judgedWrong, judged, uMax) >= -Math.log(1 - confidence);
        }
        // Clopper–Pearson's upper bound is at most uMax exactly when P(Binomial(n, uMax) <= x) <= 1 - confidence.
        return ClopperPearson.regularizedBeta(uMax, judgedWrong + 1, judged - judgedWrong) >= confidence;
    }

    /**
     * The one-sided Clopper–Pearson lower bound on the true wrong share, with the same noise correction and the
     * reported pairs added as certain: evidence that the share is above a level (the drift test), not below it.
     */
    public double lower(int judged, int judgedWrong, int reported, double lowerConfidence) {
        if (judged + reported == 0) {
            return 0;
        }
        double w = 0;
        if (judged > 0) {
            double u = ClopperPearson.lower(judgedWrong, judged, lowerConfidence);
            w = Math.min(1, Math.max(0, (u - judgeNoise) / (1 - 2 * judgeNoise)));
        }
        return (w * judged + reported) / (judged + reported);
    }

    /**
     * The same correction applied to the observed share instead of its bound: never above {@link #upper}, since
     * both bounds are at least the observed share and the correction is monotone.
     */
    public double pointEstimate(int judged, int judgedWrong, int reported) {
        if (judged + reported == 0) {
            return 1;
        }
        double w = judged == 0 ? 0
                : Math.min(1, Math.max(0, ((double) judgedWrong / judged - judgeNoise) / (1 - 2 * judgeNoise)));
        return (w * judged + reported) / (judged + reported);
    }

    /**
     * @param judged      pairs the judge decided
     * @param judgedWrong of those, the ones judged wrong
     * @param reported    pairs reported wrong by users
     * @return the bound on the true wrong share, in [0, 1]; 1 when nothing is known
     */
    public double upper(int judged, int judgedWrong, int reported) {
        if (judged + reported == 0) {
            return 1;
        }
        double w = 0;
        if (judged > 0) {
            double u = anytimeValid ? BetaMixtureBound.upper(judgedWrong, judged, confidence)
                    : ClopperPearson.upper(judgedWrong, judged, confidence);
            w = Math.min(1, Math.max(0, (u - judgeNoise) / (1 - 2 * judgeNoise)));
        }
        return (w * judged + reported) / (judged + reported);
    }
}
