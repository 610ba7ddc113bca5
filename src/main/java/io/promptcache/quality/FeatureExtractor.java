package io.promptcache.quality;

import dev.langchain4j.model.embedding.EmbeddingModel;
import io.promptcache.embedding.BgeSmallZhEncoder;
import io.promptcache.semantic.ContextDependenceGuard;
import io.promptcache.semantic.LexicalGuard;
import io.promptcache.semantic.MatchCandidate;
import io.promptcache.semantic.TokenAlignmentVerifier;
import io.promptcache.semantic.VectorMath;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Runs each pair through the cache's own pieces: the embedding, the guards and the token alignment,
 * exactly as a lookup would, with the stored question as the candidate and the other as the new one.
 * With the in-process model, one inference per question gives both the sentence vector and the
 * token states.
 */
public final class FeatureExtractor {

    /** Below this cosine no shipped or calibrated point serves, so the alignment is not computed. */
    public static final double ALIGNMENT_FROM = 0.80;

    private final EmbeddingModel embedder;
    private final BgeSmallZhEncoder encoder = BgeSmallZhEncoder.shared();
    private final LexicalGuard lexical = LexicalGuard.defaults();
    private final ContextDependenceGuard context = new ContextDependenceGuard();

    /** @param embedder the sentence embedder, or null for the in-process bge-small-zh-v1.5 (one inference per question) */
    public FeatureExtractor(EmbeddingModel embedder) {
        this.embedder = embedder;
    }

    public List<PairFeatures> extract(List<LabelledPair> pairs, IntConsumer progress) {
        List<PairFeatures> out = new ArrayList<>(pairs.size());
        for (int i = 0; i < pairs.size(); i++) {
            out.add(extract(pairs.get(i)));
            progress.accept(i + 1);
        }
        return out;
    }

    public PairFeatures extract(LabelledPair p) {
        BgeSmallZhEncoder.TokenEncoding a = encoder.encode(p.stored());
        BgeSmallZhEncoder.TokenEncoding b = encoder.encode(p.asked());
        double cosine = embedder == null ? VectorMath.dot(a.sentence(), b.sentence())
                : VectorMath.dot(VectorMath.normalize(embedder.embed(p.stored()).content().vector()), VectorMath.normalize(embedder.embed(p.asked()).content().vector()));
        double alignment = cosine >= ALIGNMENT_FROM ? TokenAlignmentVerifier.score(b.tokens(), a.tokens()) : Double.NaN;
        return withGuards(p, cosine, alignment);
    }

    /** The guards' verdicts on a pair whose model numbers are known. */
    public PairFeatures withGuards(LabelledPair p, double cosine, double alignment) {
        MatchCandidate candidate = new MatchCandidate("pair", p.asked(), p.stored(), cosine, 0);
        return new PairFeatures(p.same(), cosine, lexical.verify(candidate).accepted(), context.verify(candidate).accepted(),
                alignment);
    }


}
