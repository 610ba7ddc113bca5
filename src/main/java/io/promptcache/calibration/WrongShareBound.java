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
 */
public final class WrongShareBound {

    private final double confidence;
    private final double judgeNoise;

    public WrongShareBound(double confidence, double judgeNoise) {
        if (!(confidence > 0.5 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0.5, 1), got " + confidence);
        }
        if (!(judgeNoise >= 0 && judgeNoise < 0.5)) {
            throw new IllegalArgumentException("judgeNoise must be in [0, 0.5), got " + judgeNoise);
        }
        this.confidence = confidence;
        this.judgeNoise = judgeNoise;
    }

    public double confidence() {
        return confidence;
    }

    public double judgeNoise() {
        return judgeNoise;
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
            double u = ClopperPearson.upper(judgedWrong, judged, confidence);
            w = Math.min(1, Math.max(0, (u - judgeNoise) / (1 - 2 * judgeNoise)));
        }
        return (w * judged + reported) / (judged + reported);
    }
}
