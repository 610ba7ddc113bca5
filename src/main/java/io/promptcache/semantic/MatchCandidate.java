package io.promptcache.semantic;

/**
 * A stored question that the vector search found close to the new one.
 *
 * @param entryId      id of the cache entry
 * @param query        the new question
 * @param candidate    the stored question
 * @param similarity   cosine similarity of their embeddings
 * @param contextTurns messages before the question in its conversation; 0 for a first turn, whose
 *                     match may come from another conversation (later turns are pinned to their own
 *                     conversation by the scope)
 */
public record MatchCandidate(String entryId, String query, String candidate, double similarity, int contextTurns) {

    /** A first-turn candidate. */
    public MatchCandidate(String entryId, String query, String candidate, double similarity) {
        this(entryId, query, candidate, similarity, 0);
    }

    public boolean acrossConversations() {
        return contextTurns == 0;
    }
}
