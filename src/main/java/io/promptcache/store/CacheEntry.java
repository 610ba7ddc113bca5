package io.promptcache.store;

import java.util.Objects;

/**
 * One cached answer with its metadata.
 *
 * @param id           entry id: the exact-request key (hex SHA-256), so an exact hit is one read
 * @param tenant       tenant the entry belongs to
 * @param scopeKey     semantic partition (hex SHA-256), see {@code RequestFingerprint}
 * @param question     last user message the answer was given to; {@code null} for exact-only entries
 * @param response     the stored response
 * @param embedding    vector of the question, or {@code null} when the entry is exact-only
 * @param createdAt    epoch millis
 * @param lastAccessAt epoch millis of the last write or hit
 * @param hitCount     hits served from this entry
 * @param expiresAt    epoch millis after which the entry is gone; 0 for never
 */
public record CacheEntry(String id,
                         String tenant,
                         String scopeKey,
                         String question,
                         StoredResponse response,
                         float[] embedding,
                         long createdAt,
                         long lastAccessAt,
                         long hitCount,
                         long expiresAt) {

    public CacheEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(scopeKey, "scopeKey");
        Objects.requireNonNull(response, "response");
    }

    public boolean expiredAt(long nowMillis) {
        return expiresAt > 0 && nowMillis >= expiresAt;
    }

    public CacheEntry touched(long nowMillis) {
        return new CacheEntry(id, tenant, scopeKey, question, response, embedding, createdAt, nowMillis,
                hitCount + 1, expiresAt);
    }
}
