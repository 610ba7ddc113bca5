package io.promptcache.semantic;

/**
 * A stored question that the vector search found close to the new one.
 *
 * @param entryId    id of the cache entry
 * @param query      the new question
 * @param candidate  the stored question
 * @param similarity cosine similarity of their embeddings
 */
public record MatchCandidate(String entryId, String query, String candidate, double similarity) {
}
