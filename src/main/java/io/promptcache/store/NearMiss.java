package io.promptcache.store;

import io.promptcache.key.Sha256;

import java.util.Objects;

/**
 * A pair of questions an application reported as not equivalent: the answer to one was served for the
 * other and was wrong. Exported as a labelled pair with label 0.
 *
 * @param question       the question that was asked
 * @param cachedQuestion the stored question whose answer was served
 * @param reportedAt     epoch millis
 */
public record NearMiss(String question, String cachedQuestion, long reportedAt) {

    public NearMiss {
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(cachedQuestion, "cachedQuestion");
    }

    /** The same for both orders of the pair, so a veto holds both ways. */
    public static String pairKey(String a, String b) {
        return a.compareTo(b) <= 0 ? Sha256.hex(a + "\n" + b) : Sha256.hex(b + "\n" + a);
    }

    /** {@code text_a<TAB>text_b<TAB>0}, tabs and line breaks inside the questions turned into spaces. */
    public String toLabelledPair() {
        return clean(question) + "\t" + clean(cachedQuestion) + "\t0";
    }

    private static String clean(String s) {
        return s.replaceAll("[\\t\\r\\n]+", " ");
    }
}
