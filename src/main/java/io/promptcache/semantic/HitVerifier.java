package io.promptcache.semantic;

/**
 * Checks a semantic candidate before its answer is served. A wrong answer served from cache is the
 * worst failure this library can have, so a verifier that is unsure should reject.
 */
@FunctionalInterface
public interface HitVerifier {

    Verdict verify(MatchCandidate candidate);

    default String name() {
        return getClass().getSimpleName();
    }
}
