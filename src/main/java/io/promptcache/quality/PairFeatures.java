package io.promptcache.quality;

/**
 * What the cache's verifiers see of one pair, computed once so that many operating points can be
 * evaluated on it.
 *
 * @param same      the label
 * @param cosine    cosine of the two sentence vectors
 * @param lexicalOk the lexical guard lets the pair through
 * @param contextOk the context-dependence guard lets it through (pairs are first turns of two conversations)
 * @param alignment token-alignment F1, or NaN when the cosine was too low for it to matter
 * @param space     the vector space the asked question is searched in ({@link #NO_SPACE} when the pair can
 *                  never match: no letters, or the two questions are embedded by different models)
 */
public record PairFeatures(boolean same, double cosine, boolean lexicalOk, boolean contextOk, double alignment,
                           String space) {

    /** The space of a pair whose two questions are embedded by different in-process models, or by none. */
    public static final String NO_SPACE = "none";
    public boolean matchable() {
        return !NO_SPACE.equals(space);
    }
}
