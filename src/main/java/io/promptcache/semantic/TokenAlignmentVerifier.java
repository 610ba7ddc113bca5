package io.promptcache.semantic;

import java.util.Objects;

/**
 * A second, finer similarity from the same model: each word piece of one question is matched to its
 * most similar piece in the other (cosine of the model's token states), and the mean of those best
 * matches, both ways, gives an F1 (as BERTScore does). Two questions can share a sentence vector
 * while one of them has a word the other lacks; the alignment sees that word. It runs only on
 * candidates in the grey zone below {@code acceptAbove}.
 */
public final class TokenAlignmentVerifier implements HitVerifier {

    public static final String NAME = "token-alignment";

    private final TokenEncoder encoder;
    private final double minScore;
    private final double acceptAbove;

    private TokenAlignmentVerifier(Builder b) {
        this.encoder = Objects.requireNonNull(b.encoder, "encoder");
        this.minScore = b.minScore;
        this.acceptAbove = b.acceptAbove;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Verdict verify(MatchCandidate c) {
        if (c.similarity() >= acceptAbove) {
            return Verdict.accept(NAME);
        }
        double score = score(encoder.tokens(c.query()), encoder.tokens(c.candidate()));
        return score >= minScore ? Verdict.accept(NAME)
                : Verdict.reject(NAME, String.format("alignment %.3f below %.3f", score, minScore));
    }

    /** Greedy token alignment F1 of two sets of unit vectors; 0 when either is empty. */
    public static double score(float[][] a, float[][] b) {
        if (a.length == 0 || b.length == 0) {
            return 0;
        }
        double[] bestForB = new double[b.length];
        java.util.Arrays.fill(bestForB, -1);
        double recall = 0;
        for (float[] x : a) {
            double best = -1;
            for (int j = 0; j < b.length; j++) {
                double s = VectorMath.dot(x, b[j]);
                if (s > best) {
                    best = s;
                }
                if (s > bestForB[j]) {
                    bestForB[j] = s;
                }
            }
            recall += best;
        }
        recall /= a.length;
        double precision = 0;
        for (double s : bestForB) {
            precision += s;
        }
        precision /= b.length;
        return recall + precision <= 0 ? 0 : 2 * recall * precision / (recall + precision);
    }

    /** Builder of {@link TokenAlignmentVerifier}. */
    public static final class Builder {
        private TokenEncoder encoder;
        private double minScore = 0.9;
        private double acceptAbove = 1.01;

        /** Gives a question's token vectors (unit length); default none, it must be set. */
        public Builder encoder(TokenEncoder encoder) {
            this.encoder = Objects.requireNonNull(encoder, "encoder");
            return this;
        }

        /** Alignment F1 a candidate needs. */
        public Builder minScore(double minScore) {
            if (!(minScore >= 0 && minScore <= 1)) {
                throw new IllegalArgumentException("minScore must be in [0, 1]");
            }
            this.minScore = minScore;
            return this;
        }

        /** Cosine at and above which a candidate is accepted without the check (default: always check). */
        public Builder acceptAbove(double cosine) {
            this.acceptAbove = cosine;
            return this;
        }

        public TokenAlignmentVerifier build() {
            if (encoder == null) {
                throw new IllegalStateException("encoder must be set, e.g. TokenEncoder.inProcess()");
            }
            return new TokenAlignmentVerifier(this);
        }
    }
}
