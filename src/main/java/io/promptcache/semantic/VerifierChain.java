package io.promptcache.semantic;

import java.util.List;

/** Runs verifiers in order, cheapest first; the first rejection decides. */
public final class VerifierChain {

    private final List<HitVerifier> verifiers;

    public VerifierChain(List<HitVerifier> verifiers) {
        this.verifiers = List.copyOf(verifiers);
    }

    public Verdict verify(MatchCandidate candidate) {
        for (HitVerifier v : verifiers) {
            Verdict verdict = v.verify(candidate);
            if (verdict == null || !verdict.accepted()) {
                return verdict == null ? Verdict.reject(v.name(), "no verdict") : verdict;
            }
        }
        return Verdict.accept("chain");
    }
}
