package io.promptcache.calibration;

/**
 * The exact (Clopper–Pearson) one-sided upper confidence bound of a binomial proportion, from the
 * regularized incomplete beta function. Written out here (Lanczos log-gamma, Lentz's continued
 * fraction, bisection for the inverse) so the library needs no statistics dependency.
 */
public final class ClopperPearson {

    private ClopperPearson() {
    }

    /**
     * The smallest {@code p} with {@code P(Binomial(n, p) <= x) <= 1 - confidence}: the share of "wrong"
     * that {@code x} wrong out of {@code n} still leaves plausible at this confidence. 1 when n is 0.
     */
    public static double upper(int x, int n, double confidence) {
        if (n < 0 || x < 0 || x > n) {
            throw new IllegalArgumentException("need 0 <= x <= n, got x=" + x + " n=" + n);
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
        }
        if (x == n) {
            return 1.0;
        }
        if (x == 0) {
            return 1 - Math.pow(1 - confidence, 1.0 / n); // closed form
        }
        // The upper bound is the confidence-quantile of Beta(x + 1, n - x).
        return betaQuantile(confidence, x + 1, n - x);
    }

    /**
     * The largest {@code p} with {@code P(Binomial(n, p) >= x) <= 1 - confidence}: the one-sided lower bound, 0 when
     * x is 0. By the symmetry of the beta distribution it is {@code 1 - upper(n - x, n, confidence)}; with
     * {@link #upper} at the same confidence it makes a two-sided interval of confidence {@code 2 * confidence - 1}.
     */
    public static double lower(int x, int n, double confidence) {
        if (n < 0 || x < 0 || x > n) {
            throw new IllegalArgumentException("need 0 <= x <= n, got x=" + x + " n=" + n);
        }
        return x == 0 ? 0.0 : 1 - upper(n - x, n, confidence);
    }

    /** The p-quantile of Beta(a, b), by bisection on the regularized incomplete beta (monotone in x). */
    static double betaQuantile(double p, double a, double b) {
        double lo = 0;
        double hi = 1;
        for (int i = 0; i < 60; i++) {
            double mid = (lo + hi) / 2;
            if (regularizedBeta(mid, a, b) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    /** I_x(a, b). */
    static double regularizedBeta(double x, double a, double b) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
        // The continued fraction converges fast on this side; use the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) on the other.
        if (x < (a + 1) / (a + b + 2)) {
            return front * continuedFraction(x, a, b) / a;
        }
        return 1 - front * continuedFraction(1 - x, b, a) / b;
    }

    /** The continued fraction of the incomplete beta, evaluated with the modified Lentz method. */
    private static double continuedFraction(double x, double a, double b) {
        final double tiny = 1e-300;
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.abs(d) < tiny ? tiny : d);
        double h = d;
        for (int m = 1; m <= 500; m++) {
            int m2 = 2 * m;
            double even = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + even * d;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = 1 + even / c;
            c = Math.abs(c) < tiny ? tiny : c;
            h *= d * c;
            double odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + odd * d;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = 1 + odd / c;
            c = Math.abs(c) < tiny ? tiny : c;
            double step = d * c;
            h *= step;
            if (Math.abs(step - 1) < 1e-15) {
                break;
            }
        }
        return h;
    }

    private static final double[] LANCZOS = {0.99999999999980993, 676.5203681218851, -1259.1392167224028,
            771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
            9.9843695780195716e-6, 1.5056327351493116e-7};

    /** ln Γ(z) for z > 0 (Lanczos approximation, g = 7). */
    static double logGamma(double z) {
        if (z < 0.5) {
            return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
        }
        z -= 1;
        double sum = LANCZOS[0];
        double t = z + 7.5;
        for (int i = 1; i < LANCZOS.length; i++) {
            sum += LANCZOS[i] / (z + i);
        }
        return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
    }
}
