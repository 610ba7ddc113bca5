package io.promptcache.quality;

import io.promptcache.embedding.InProcessModel;
import io.promptcache.semantic.ContextDependenceGuard;
import io.promptcache.semantic.HitVerifier;
import io.promptcache.semantic.LexicalGuard;
import io.promptcache.semantic.TokenAlignmentVerifier;
import io.promptcache.semantic.TokenEncoder;

import java.util.ArrayList;
import java.util.List;

/**
 * A complete semantic operating point: the cosine threshold and the verifier chain. {@link #verifiers}
 * builds the chain the cache runs; {@link #serves} applies the same rules to precomputed features
 * (a test checks that the two agree).
 *
 * @param threshold      cosine a candidate needs
 * @param lexical        run the lexical guard
 * @param context        run the context-dependence guard
 * @param alignmentMin   token-alignment F1 a candidate needs, or 0 to skip the check
 * @param alignmentAbove cosine at and above which the alignment check is skipped
 */
public record OperatingPoint(double threshold, boolean lexical, boolean context, double alignmentMin,
                             double alignmentAbove) {

    /** The point the library ships with for bge-small-zh and any other embedder; see docs/quality.md. */
    public static final OperatingPoint DEFAULT = new OperatingPoint(0.955, true, true, 0.93, 0.96);

    /** The point the library ships with for bge-small-en (Latin-script questions); see docs/quality.md. */
    public static final OperatingPoint ENGLISH = new OperatingPoint(0.95, true, true, 0.93, 1.01);

    /** The shipped point of an in-process model. */
    public static OperatingPoint shipped(InProcessModel model) {
        return model == InProcessModel.BGE_SMALL_EN ? ENGLISH : DEFAULT;
    }

    /** The shipped point of an in-process model's space ({@link InProcessModel#space()}); DEFAULT for any other. */
    public static OperatingPoint shipped(String space) {
        return shipped(InProcessModel.ofSpace(space).orElse(InProcessModel.BGE_SMALL_ZH));
    }

    /** The shipped point of a model, with the verifier chain on its own token states. */
    public static List<HitVerifier> shippedVerifiers(InProcessModel model) {
        return shipped(model).verifiers(TokenEncoder.inProcess(model));
    }

    /** Plain cosine at a threshold, no verifier. */
    public static OperatingPoint plainCosine(double threshold) {
        return new OperatingPoint(threshold, false, false, 0, 1.01);
    }

    public OperatingPoint withThreshold(double t) {
        return new OperatingPoint(t, lexical, context, alignmentMin, alignmentAbove);
    }

    public boolean usesAlignment() {
        return alignmentMin > 0;
    }

    public List<HitVerifier> verifiers(TokenEncoder encoder) {
        List<HitVerifier> chain = new ArrayList<>();
        if (lexical) {
            chain.add(LexicalGuard.defaults());
        }
        if (context) {
            chain.add(new ContextDependenceGuard());
        }
        if (usesAlignment()) {
            chain.add(TokenAlignmentVerifier.builder().encoder(encoder).minScore(alignmentMin).acceptAbove(alignmentAbove).build());
        }
        return chain;
    }

    /** Whether the cache would serve the stored answer for this pair. */
    public boolean serves(PairFeatures f) {
        if (f.cosine() < threshold) {
            return false;
        }
        if (lexical && !f.lexicalOk()) {
            return false;
        }
        if (context && !f.contextOk()) {
            return false;
        }
        if (usesAlignment() && f.cosine() < alignmentAbove) {
            return !Double.isNaN(f.alignment()) && f.alignment() >= alignmentMin;
        }
        return true;
    }

    /** The builder calls that select this point. */
    public String builderSnippet() {
        return builderSnippet("TokenEncoder.inProcess()");
    }

    /** The builder calls that select this point, with {@code encoder} as the token alignment's encoder. */
    public String builderSnippet(String encoder) {
        StringBuilder sb = new StringBuilder();
        sb.append("CachingChatModel.builder()\n        .similarityThreshold(").append(fmt(threshold)).append(")\n");
        List<String> parts = new ArrayList<>();
        if (lexical) {
            parts.add("LexicalGuard.defaults()");
        }
        if (context) {
            parts.add("new ContextDependenceGuard()");
        }
        if (usesAlignment()) {
            parts.add("TokenAlignmentVerifier.builder().encoder(" + encoder + ")\n                        .minScore("
                    + fmt(alignmentMin) + ")" + (alignmentAbove <= 1 ? ".acceptAbove(" + fmt(alignmentAbove) + ")" : "") + ".build()");
        }
        sb.append("        .verifiers(").append(String.join(",\n                ", parts)).append(")");
        return sb.toString();
    }

    /** As many decimals as the value has (up to 4): a rounded threshold would be another point. */
    private static String fmt(double d) {
        String s = new java.math.BigDecimal(String.format(java.util.Locale.ROOT, "%.4f", d)).stripTrailingZeros().toPlainString();
        return s.contains(".") ? s : s + ".0";
    }
}
