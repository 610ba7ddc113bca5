package io.promptcache.calibration;

/**
 * An anytime-valid upper confidence bound on a binomial proportion: a confidence sequence from a beta mixture
 * martingale, valid at every number of observations at once, however often it is looked at.
 *
 * <p>For a proportion {@code p}, the likelihood ratio of the observations under an alternative {@code q < p}
 * against {@code p}, averaged over {@code q} uniform on {@code [0, p]}, is a nonnegative martingale with mean 1
 * when {@code p} is true. By Ville's inequality it ever reaches {@code 1/(1 − confidence)} with probability at
 * most {@code 1 − confidence}, so the set of {@code p} whose martingale stays below that level covers the true
 * one at every look simultaneously. The bound is the largest such {@code p}. In closed form, with B the beta
 * function and I the regularized incomplete beta:
 * <pre>
 *   M_n(p) = B(x + 1, n − x + 1) · I_p(x + 1, n − x + 1) / (p · p^x · (1 − p)^(n − x))
 * </pre>
 * It costs width against Clopper–Pearson at the same confidence, which is exact for one look only.
 */
public final class BetaMixtureBound {

    private BetaMixtureBound() {
    }

    /**
     * The smallest {@code p ≥ x/n} at which the mixture martingale reaches {@code 1/(1 − confidence)}: every
     * larger proportion is rejected. 1 when n is 0 or no proportion below 1 is rejected.
     */
    public static double upper(int x, int n, double confidence) {
        if (n < 0 || x < 0 || x > n) {
            throw new IllegalArgumentException("need 0 <= x <= n, got x=" + x + " n=" + n);
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
        }
        if (n == 0 || x == n) {
            return 1.0;
        }
        double level = -Math.log(1 - confidence);
        double lo = (double) x / n;
        double hi = 1.0;
        if (logMartingale(x, n, hi - 1e-12) < level) {
            return 1.0;
        }
        for (int i = 0; i < 60; i++) {
            double mid = (lo + hi) / 2;
            if (logMartingale(x, n, mid) >= level) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }

    /** ln M_n(p) for x wrong of n, the mixture over q uniform on [0, p]. */
    static double logMartingale(int x, int n, double p) {
        double a = x + 1.0;
        double b = n - x + 1.0;
        double logBeta = ClopperPearson.logGamma(a) + ClopperPearson.logGamma(b) - ClopperPearson.logGamma(a + b);
        double mass = ClopperPearson.regularizedBeta(p, a, b);
        if (mass <= 0) {
            return Double.NEGATIVE_INFINITY;
        }
        return logBeta + Math.log(mass) - Math.log(p) - x * Math.log(p) - (n - x) * Math.log1p(-p);
    }
}
