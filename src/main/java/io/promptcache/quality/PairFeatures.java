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
 */
public record PairFeatures(boolean same, double cosine, boolean lexicalOk, boolean contextOk, double alignment) {
}
