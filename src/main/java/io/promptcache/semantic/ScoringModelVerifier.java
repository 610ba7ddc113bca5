package io.promptcache.semantic;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.scoring.ScoringModel;

import java.time.Duration;
import java.util.Objects;

/**
 * Asks any LangChain4j {@link ScoringModel} (a cross-encoder reranker such as bge-reranker, in process
 * through ONNX or behind an API) whether the stored question answers the new one, for candidates in
 * the grey zone. A score below {@code minScore}, an error or a late answer rejects.
 */
public final class ScoringModelVerifier implements HitVerifier {

    public static final String NAME = "scoring-model";

    private final ScoringModel model;
    private final double minScore;
    private final GreyZone zone;
    private final Duration budget;

    private ScoringModelVerifier(Builder b) {
        this.model = Objects.requireNonNull(b.model, "scoringModel");
        this.minScore = b.minScore;
        this.zone = b.zone;
        this.budget = b.budget;
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
        Verdict decided = zone.outside(NAME, c.similarity());
        if (decided != null) {
            return decided;
        }
        Double score = Budgeted.call(() -> {
            Response<Double> r = model.score(TextSegment.from(c.candidate()), c.query());
            return r == null ? null : r.content();
        }, budget);
        if (score == null) {
            return Verdict.reject(NAME, "no score within " + budget.toMillis() + " ms");
        }
        return score >= minScore ? Verdict.accept(NAME)
                : Verdict.reject(NAME, String.format("score %.3f below %.3f", score, minScore));
    }

    /** Builder of {@link ScoringModelVerifier}. */
    public static final class Builder {
        private ScoringModel model;
        private double minScore = 0.5;
        private GreyZone zone = GreyZone.everything();
        private Duration budget = Duration.ofMillis(500);

        public Builder scoringModel(ScoringModel model) {
            this.model = Objects.requireNonNull(model, "scoringModel");
            return this;
        }

        /** Score a candidate needs (in the scoring model's own scale). */
        public Builder minScore(double minScore) {
            this.minScore = minScore;
            return this;
        }

        public Builder greyZone(double low, double high) {
            this.zone = new GreyZone(low, high);
            return this;
        }

        public Builder budget(Duration budget) {
            this.budget = Objects.requireNonNull(budget, "budget");
            return this;
        }

        public ScoringModelVerifier build() {
            if (model == null) {
                throw new IllegalStateException("scoringModel must be set");
            }
            return new ScoringModelVerifier(this);
        }
    }
}
