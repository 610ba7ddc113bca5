package io.promptcache.quality;

import dev.langchain4j.model.embedding.EmbeddingModel;
import io.promptcache.embedding.BgeSmallEncoder;
import io.promptcache.embedding.InProcessModel;
import io.promptcache.embedding.QuestionScript;
import io.promptcache.semantic.ContextDependenceGuard;
import io.promptcache.semantic.LexicalGuard;
import io.promptcache.semantic.MatchCandidate;
import io.promptcache.semantic.SemanticIndex;
import io.promptcache.semantic.TokenAlignmentVerifier;
import io.promptcache.semantic.VectorMath;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Runs each pair through the cache's own pieces: the embedding, the guards and the token alignment,
 * exactly as a lookup would, with the stored question as the candidate and the other as the new one.
 * With an in-process model, one inference per question gives both the sentence vector and the
 * token states. With the in-process default, each pair is routed as the cache routes it
 * ({@link QuestionScript}): a pair whose two questions go to different models can never match.
 */
public final class FeatureExtractor {

    /** Below this cosine no shipped or calibrated point serves, so the alignment is not computed. */
    public static final double ALIGNMENT_FROM = 0.80;

    private final EmbeddingModel embedder;
    private final InProcessModel only;
    private final LexicalGuard lexical = LexicalGuard.defaults();
    private final ContextDependenceGuard context = new ContextDependenceGuard();

    private FeatureExtractor(EmbeddingModel embedder, InProcessModel only) {
        this.embedder = embedder;
        this.only = only;
    }

    /** The in-process default: each question routed to bge-small-en or bge-small-zh by its script. */
    public static FeatureExtractor routed() {
        return new FeatureExtractor(null, null);
    }

    /** One in-process model for every pair. */
    public static FeatureExtractor inProcess(InProcessModel model) {
        return new FeatureExtractor(null, model);
    }

    /** Any sentence embedder (Ollama, say) for every pair; token states from the in-process bge-small-zh. */
    public static FeatureExtractor of(EmbeddingModel embedder) {
        return new FeatureExtractor(java.util.Objects.requireNonNull(embedder, "embedder"), InProcessModel.BGE_SMALL_ZH);
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
        InProcessModel model = only;
        String space = embedder != null ? SemanticIndex.SINGLE : model == null ? null : model.space();
        if (model == null) {
            model = QuestionScript.of(p.asked()).model();
            if (model == null || model != QuestionScript.of(p.stored()).model()) {
                return withGuards(p, -1, Double.NaN, PairFeatures.NO_SPACE);
            }
            space = model.space();
        }
        BgeSmallEncoder encoder = BgeSmallEncoder.shared(model);
        BgeSmallEncoder.TokenEncoding a = encoder.encode(p.stored());
        BgeSmallEncoder.TokenEncoding b = encoder.encode(p.asked());
        double cosine = embedder == null ? VectorMath.dot(a.sentence(), b.sentence())
                : VectorMath.dot(VectorMath.normalize(embedder.embed(p.stored()).content().vector()), VectorMath.normalize(embedder.embed(p.asked()).content().vector()));
        double alignment = cosine >= ALIGNMENT_FROM ? TokenAlignmentVerifier.score(b.tokens(), a.tokens()) : Double.NaN;
        return withGuards(p, cosine, alignment, space);
    }

    /** The guards' verdicts on a pair whose model numbers are known. */
    public PairFeatures withGuards(LabelledPair p, double cosine, double alignment, String space) {
        MatchCandidate candidate = new MatchCandidate("pair", p.asked(), p.stored(), cosine, 0);
        return new PairFeatures(p.same(), cosine, lexical.verify(candidate).accepted(), context.verify(candidate).accepted(),
                alignment, space);
    }
}
