package io.promptcache.semantic;

/**
 * The cosine band in which an expensive verifier is consulted: at or above {@code high} a candidate
 * passes without it, below {@code low} it is rejected without it, in between the verifier decides.
 *
 * @param low  lower bound of the band (inclusive)
 * @param high upper bound of the band (exclusive)
 */
public record GreyZone(double low, double high) {

    public GreyZone {
        if (!(low <= high)) {
            throw new IllegalArgumentException("grey zone needs low <= high, was " + low + " .. " + high);
        }
    }

    /** The verifier is consulted for every candidate. */
    public static GreyZone everything() {
        return new GreyZone(-1, 2);
    }

    /**
     * The verdict the zone decides alone (accept above it, reject below it), or null when the verifier
     * must decide.
     */
    Verdict outside(String verifier, double cosine) {
        if (above(cosine)) {
            return Verdict.accept(verifier);
        }
        return below(cosine) ? Verdict.reject(verifier, "below the grey zone") : null;
    }

    boolean below(double cosine) {
        return cosine < low;
    }

    boolean above(double cosine) {
        return cosine >= high;
    }
}
