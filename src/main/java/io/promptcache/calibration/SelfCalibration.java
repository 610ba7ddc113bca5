package io.promptcache.calibration;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Self-calibration of the semantic tier: each vector space learns its own cosine threshold, off the request
 * path, so that at most {@link #maxWrongShare()} of its served semantic hits are wrong (with the bound's
 * confidence). Immutable; every setting is checked when built and a bad one is named.
 *
 * <pre>{@code
 * CachingChatModel.builder()
 *         .delegate(deepSeek)
 *         .selfCalibration(SelfCalibration.builder().maxWrongShare(0.05).build())   // judge: deepSeek itself
 *         .build();
 * }</pre>
 *
 * See docs/quality.md, "Self-calibration".
 */
public final class SelfCalibration {

    public static final double DEFAULT_MAX_WRONG_SHARE = 0.05;
    public static final double DEFAULT_CONFIDENCE = 0.95;
    public static final int DEFAULT_JUDGE_CALLS_PER_HOUR = 600;
    public static final long DEFAULT_MAX_JUDGE_CALLS = 5_000;
    public static final double DEFAULT_SERVING_SAMPLE = 0.05;
    public static final int DEFAULT_MIN_JUDGED = 100;
    public static final int DEFAULT_MAX_PAIRS = 4_000;
    public static final int DEFAULT_DRIFT_WINDOW = 200;
    public static final Duration DEFAULT_JUDGE_TIMEOUT = Duration.ofSeconds(20);
    /** Default floor of a space whose model has no known floor. */
    public static final double DEFAULT_FLOOR = 0.80;
    /** Floors of the models we measured: below them a candidate is never worth a judge call. */
    static final Map<String, Double> KNOWN_FLOORS = Map.of("zh", 0.85, "en", 0.85);

    private final PairJudge judge;
    private final double maxWrongShare;
    private final double judgeNoise;
    private final double confidence;
    private final Map<String, Double> floors;
    private final Double floor;
    private final int judgeCallsPerHour;
    private final long maxJudgeCalls;
    private final double servingSample;
    private final int minJudged;
    private final int maxPairs;
    private final Duration judgeTimeout;
    private final boolean keepKnownThreshold;
    private final Long samplingSeed;
    private final boolean anytimeValid;
    private final int driftWindow;

    private SelfCalibration(Builder b) {
        this.judge = b.judge;
        this.maxWrongShare = b.maxWrongShare;
        this.judgeNoise = b.judgeNoise;
        this.confidence = b.confidence;
        this.floors = Map.copyOf(b.floors);
        this.floor = b.floor;
        this.judgeCallsPerHour = b.judgeCallsPerHour;
        this.maxJudgeCalls = b.maxJudgeCalls;
        this.servingSample = b.servingSample;
        this.minJudged = b.minJudged;
        this.maxPairs = b.maxPairs;
        this.judgeTimeout = b.judgeTimeout;
        this.keepKnownThreshold = b.keepKnownThreshold;
        this.samplingSeed = b.samplingSeed;
        this.anytimeValid = b.anytimeValid;
        this.driftWindow = b.driftWindow;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The judge, or null for the application's own chat model (the caching model's delegate). */
    public PairJudge judge() {
        return judge;
    }

    public double maxWrongShare() {
        return maxWrongShare;
    }

    public double judgeNoise() {
        return judgeNoise;
    }

    public double confidence() {
        return confidence;
    }

    /** The cosine a space's best candidate needs before it is judged: the user's, else the model's known one. */
    public double floor(String space) {
        if (floors.containsKey(space)) {
            return floors.get(space);
        }
        if (floor != null) {
            return floor;
        }
        return KNOWN_FLOORS.getOrDefault(space, DEFAULT_FLOOR);
    }

    public int judgeCallsPerHour() {
        return judgeCallsPerHour;
    }

    public long maxJudgeCalls() {
        return maxJudgeCalls;
    }

    public double servingSample() {
        return servingSample;
    }

    public int minJudged() {
        return minJudged;
    }

    public int maxPairs() {
        return maxPairs;
    }

    public Duration judgeTimeout() {
        return judgeTimeout;
    }

    /** Whether a space in shadow still serves at a threshold known for its model (the shipped or configured one). */
    public boolean keepKnownThreshold() {
        return keepKnownThreshold;
    }

    /** The seed of the serving sample's random draws, or empty for unseeded draws (the default). */
    public java.util.OptionalLong samplingSeed() {
        return samplingSeed == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(samplingSeed);
    }

    /** Newest verdicts the drift test reads; 0 when it is off. */
    public int driftWindow() {
        return driftWindow;
    }

    public WrongShareBound bound() {
        return new WrongShareBound(confidence, judgeNoise, anytimeValid);
    }

    /** A copy with another judge (the caching model fills in its delegate when none was given). */
    public SelfCalibration withJudge(PairJudge judge) {
        Builder b = toBuilder();
        b.judge = Objects.requireNonNull(judge, "judge");
        return new SelfCalibration(b);
    }

    private Builder toBuilder() {
        Builder b = new Builder();
        b.judge = judge;
        b.maxWrongShare = maxWrongShare;
        b.judgeNoise = judgeNoise;
        b.confidence = confidence;
        b.floors.putAll(floors);
        b.floor = floor;
        b.judgeCallsPerHour = judgeCallsPerHour;
        b.maxJudgeCalls = maxJudgeCalls;
        b.servingSample = servingSample;
        b.minJudged = minJudged;
        b.maxPairs = maxPairs;
        b.judgeTimeout = judgeTimeout;
        b.keepKnownThreshold = keepKnownThreshold;
        b.samplingSeed = samplingSeed;
        b.anytimeValid = anytimeValid;
        b.driftWindow = driftWindow;
        return b;
    }

    /** Builder of {@link SelfCalibration}. */
    public static final class Builder {
        private PairJudge judge;
        private double maxWrongShare = DEFAULT_MAX_WRONG_SHARE;
        private double judgeNoise;
        private double confidence = DEFAULT_CONFIDENCE;
        private final Map<String, Double> floors = new LinkedHashMap<>();
        private Double floor;
        private int judgeCallsPerHour = DEFAULT_JUDGE_CALLS_PER_HOUR;
        private long maxJudgeCalls = DEFAULT_MAX_JUDGE_CALLS;
        private double servingSample = DEFAULT_SERVING_SAMPLE;
        private int minJudged = DEFAULT_MIN_JUDGED;
        private int maxPairs = DEFAULT_MAX_PAIRS;
        private Duration judgeTimeout = DEFAULT_JUDGE_TIMEOUT;
        private boolean keepKnownThreshold = true;
        private Long samplingSeed;
        private boolean anytimeValid;
        private int driftWindow = DEFAULT_DRIFT_WINDOW;

        /** Who decides whether one answer serves both questions (default: the application's chat model). */
        public Builder judge(PairJudge judge) {
            this.judge = Objects.requireNonNull(judge, "judge");
            return this;
        }

        /** Judges with any chat model and the {@code LlmJudgeVerifier} prompt, called directly. */
        public Builder judge(dev.langchain4j.model.chat.ChatModel model) {
            return judge(PairJudge.chatModel(model));
        }

        /** δ: the share of served semantic hits allowed to be wrong, in (0, 0.5). Default 0.05. */
        public Builder maxWrongShare(double share) {
            if (!(share > 0 && share < 0.5)) {
                throw new IllegalArgumentException("maxWrongShare must be in (0, 0.5), got " + share);
            }
            this.maxWrongShare = share;
            return this;
        }

        /**
         * The judge's own error rate, as measured on labelled pairs, in [0, 0.5). Default 0: then any error of
         * the judge only makes the threshold more careful. A rate above the judge's true one makes it bolder.
         */
        public Builder judgeNoise(double rate) {
            if (!(rate >= 0 && rate < 0.5)) {
                throw new IllegalArgumentException("judgeNoise must be in [0, 0.5), got " + rate);
            }
            this.judgeNoise = rate;
            return this;
        }

        /** Confidence of the bound, in (0.5, 1). Default 0.95. */
        public Builder confidence(double confidence) {
            if (!(confidence > 0.5 && confidence < 1)) {
                throw new IllegalArgumentException("confidence must be in (0.5, 1), got " + confidence);
            }
            this.confidence = confidence;
            return this;
        }

        /** The cosine a best candidate needs before it is judged, for every space without its own floor. */
        public Builder floor(double cosine) {
            this.floor = checkFloor("floor", cosine);
            return this;
        }

        /** The floor of one vector space ("zh", "en", or "single" for an embedder of your own). */
        public Builder floor(String space, double cosine) {
            floors.put(Objects.requireNonNull(space, "space"), checkFloor("floor of " + space, cosine));
            return this;
        }

        private static double checkFloor(String name, double cosine) {
            if (!(cosine >= -1 && cosine < 1)) {
                throw new IllegalArgumentException(name + " must be in [-1, 1), got " + cosine);
            }
            return cosine;
        }

        /** Judge calls allowed per hour, per instance, for all spaces together (> 0). Default 600. */
        public Builder judgeCallsPerHour(int calls) {
            if (calls <= 0) {
                throw new IllegalArgumentException("judgeCallsPerHour must be > 0, got " + calls);
            }
            this.judgeCallsPerHour = calls;
            return this;
        }

        /** Judge calls allowed in all, by every instance together (> 0); then judging stops. Default 5,000. */
        public Builder maxJudgeCalls(long calls) {
            if (calls <= 0) {
                throw new IllegalArgumentException("maxJudgeCalls must be > 0, got " + calls);
            }
            this.maxJudgeCalls = calls;
            return this;
        }

        /** The share of candidates above the floor still judged once a space serves, in (0, 1]. Default 0.05. */
        public Builder servingSample(double share) {
            if (!(share > 0 && share <= 1)) {
                throw new IllegalArgumentException("servingSample must be in (0, 1], got " + share);
            }
            this.servingSample = share;
            return this;
        }

        /** Judged pairs a space needs before it may serve at a learnt threshold (> 0). Default 100. */
        public Builder minJudged(int pairs) {
            if (pairs <= 0) {
                throw new IllegalArgumentException("minJudged must be > 0, got " + pairs);
            }
            this.minJudged = pairs;
            return this;
        }

        /** Judged pairs kept per space, the newest (> 0). Default 4,000. */
        public Builder maxPairs(int pairs) {
            if (pairs <= 0) {
                throw new IllegalArgumentException("maxPairs must be > 0, got " + pairs);
            }
            this.maxPairs = pairs;
            return this;
        }

        /** How long one judge call may take; past it the call counts as failed. Default 20 s. */
        public Builder judgeTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "judgeTimeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("judgeTimeout must be positive, got " + timeout);
            }
            this.judgeTimeout = timeout;
            return this;
        }

        /**
         * Whether a space in shadow serves at the threshold known for its model: the shipped one of an in-process
         * model, or the one set with {@code similarityThreshold}. Off: a space in shadow serves nothing.
         * Default on. An embedder of your own has no known threshold unless you set one.
         */
        public Builder keepKnownThreshold(boolean keep) {
            this.keepKnownThreshold = keep;
            return this;
        }

        /**
         * Seeds the draws that pick which candidates a serving space still judges, so that one run of the same
         * questions in the same order judges the same ones (a demo, a reproducible test). Default: unseeded.
         */
        public Builder samplingSeed(long seed) {
            this.samplingSeed = seed;
            return this;
        }

        /**
         * Whether the wrong-share bound must hold at every look, however often a space re-decides (a beta-mixture
         * confidence sequence, {@link BetaMixtureBound}), instead of at each look alone (one-sided Clopper–Pearson,
         * the default). It is wider, so a space needs more judged pairs to serve and serves from a higher threshold;
         * docs/quality.md measures the cost.
         */
        public Builder anytimeValid(boolean anytimeValid) {
            this.anytimeValid = anytimeValid;
            return this;
        }

        /**
         * How many of a space's newest verdicts the drift test reads (0 turns it off). When those of them at or above
         * the threshold it serves from are wrong more often than the bound allows, with 99% confidence, the space
         * forgets the older verdicts and decides from these alone: it raises its threshold or goes back to shadow.
         * Default 200. {@code Calibrator.afterDrift} is the rule.
         */
        public Builder driftWindow(int verdicts) {
            if (verdicts < 0) {
                throw new IllegalArgumentException("driftWindow must be >= 0, got " + verdicts);
            }
            this.driftWindow = verdicts;
            return this;
        }

        public SelfCalibration build() {
            if (minJudged > maxPairs) {
                throw new IllegalArgumentException("minJudged (" + minJudged + ") must not exceed maxPairs (" + maxPairs + ")");
            }
            return new SelfCalibration(this);
        }
    }
}
