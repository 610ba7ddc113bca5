package io.promptcache.calibration;

/**
 * One judged candidate of a vector space: numbers only, never the questions, so the calibration state
 * holds no user text and a tenant's erasure has nothing to find in it.
 *
 * @param cosine          similarity of the new question to the candidate
 * @param verifiersPassed the space's verifier chain accepted the candidate (only such pairs can be served)
 * @param same            the verdict: the candidate's answer serves the new question
 * @param reported        the verdict comes from {@code reportWrong} (a user saw it), not from the judge;
 *                        such a pair is always wrong and not subject to the judge's noise
 */
public record JudgedPair(double cosine, boolean verifiersPassed, boolean same, boolean reported) {

    public JudgedPair {
        if (!(cosine >= -1.0001 && cosine <= 1.0001)) {
            throw new IllegalArgumentException("cosine must be in [-1, 1], got " + cosine);
        }
        if (reported && same) {
            throw new IllegalArgumentException("a reported pair is a wrong one");
        }
    }

    public static JudgedPair judged(double cosine, boolean verifiersPassed, boolean same) {
        return new JudgedPair(cosine, verifiersPassed, same, false);
    }

    public static JudgedPair reportedWrong(double cosine) {
        return new JudgedPair(cosine, true, false, true);
    }

    /** Compact text form for the store: {@code cosine,v,s,r} with 0/1 flags. */
    public String encode() {
        return String.format(java.util.Locale.ROOT, "%.5f,%d,%d,%d", cosine, verifiersPassed ? 1 : 0, same ? 1 : 0,
                reported ? 1 : 0);
    }

    /** Parses {@link #encode()}; throws {@link IllegalArgumentException} on anything else. */
    public static JudgedPair decode(String s) {
        String[] f = s.split(",", -1);
        if (f.length != 4) {
            throw new IllegalArgumentException("not a judged pair: " + s.length() + " characters");
        }
        return new JudgedPair(Double.parseDouble(f[0]), flag(f[1]), flag(f[2]), flag(f[3]));
    }

    private static boolean flag(String f) {
        return switch (f) {
            case "1" -> true;
            case "0" -> false;
            default -> throw new IllegalArgumentException("not a 0/1 flag");
        };
    }
}
