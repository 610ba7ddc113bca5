package io.promptcache;

import io.promptcache.freshness.FreshnessDetector;

import java.time.Duration;
import java.util.Objects;

/**
 * What happens to an answer that goes stale in minutes: the question asks for something current
 * (today's news, the time, the latest version, a price, the weather) or the answer states the current
 * date or time. By default it is not stored; it can instead be stored with a short TTL, or treated like
 * any other answer.
 */
public final class FreshnessPolicy {

    /** Such answers are not stored (the default). */
    public static final FreshnessPolicy DO_NOT_STORE = new FreshnessPolicy(FreshnessDetector.defaults(), Duration.ZERO, true);
    /** Time-sensitive or not, every answer is stored with the usual TTL. */
    public static final FreshnessPolicy IGNORE = new FreshnessPolicy(null, Duration.ZERO, false);

    private final FreshnessDetector detector;
    private final Duration shortTtl;
    private final boolean skip;

    private FreshnessPolicy(FreshnessDetector detector, Duration shortTtl, boolean skip) {
        this.detector = detector;
        this.shortTtl = shortTtl;
        this.skip = skip;
    }

    /** Stores such answers, but for {@code ttl} at most (say a few minutes). */
    public static FreshnessPolicy shortTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isZero() || ttl.isNegative()) {
            throw new IllegalArgumentException("the short TTL of time-sensitive answers must be positive, was " + ttl);
        }
        return new FreshnessPolicy(FreshnessDetector.defaults(), ttl, false);
    }

    /** The decision for one answer: skip it, or store it with this TTL. */
    record Decision(boolean skip, Duration ttl) {
    }

    Decision decide(String question, String answer, Duration usualTtl) {
        if (detector == null || !(detector.timeSensitiveQuestion(question) || detector.statesCurrentTime(answer))) {
            return new Decision(false, usualTtl);
        }
        if (skip) {
            return new Decision(true, usualTtl);
        }
        boolean shorter = usualTtl == null || usualTtl.isZero() || shortTtl.compareTo(usualTtl) < 0;
        return new Decision(false, shorter ? shortTtl : usualTtl);
    }

    @Override
    public String toString() {
        return detector == null ? "ignore" : skip ? "do-not-store" : "short-ttl=" + shortTtl;
    }
}
