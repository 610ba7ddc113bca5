package io.promptcache;

import io.promptcache.prefix.ProviderCacheUsage;

import java.time.Duration;

/**
 * What happened to one model call.
 *
 * @param source          exact, semantic or the model
 * @param similarity      cosine similarity of the matched question, for semantic hits; otherwise {@code null}
 * @param matchedQuestion the stored question that was matched, for semantic hits; otherwise {@code null}
 * @param latency         time the call took, lookup included
 * @param providerUsage   the provider's prefix-cache accounting ({@link ProviderCacheUsage#NONE} on a hit)
 * @param stored          true when the model's answer was stored for later calls
 * @param sharedFlight    true when this call waited for an identical call already in flight
 * @param degraded        true when a cache fault (storage, embedder, timeout) was passed over
 */
public record CacheOutcome(CacheSource source,
                           Double similarity,
                           String matchedQuestion,
                           Duration latency,
                           ProviderCacheUsage providerUsage,
                           boolean stored,
                           boolean sharedFlight,
                           boolean degraded) {

    /** A hit from the exact or the semantic tier. */
    static CacheOutcome hit(CacheEngine.Lookup lookup, long startNanos) {
        return new CacheOutcome(lookup.source(),
                lookup.match() == null ? null : lookup.match().similarity(),
                lookup.match() == null ? null : lookup.match().candidate(),
                Duration.ofNanos(System.nanoTime() - startNanos), ProviderCacheUsage.NONE, false, false, false);
    }

    /** A call the model answered, or that waited for an identical call in flight ({@code shared}). */
    static CacheOutcome model(CacheEngine.Lookup lookup, long startNanos, ProviderCacheUsage usage, boolean stored,
                              boolean shared) {
        return new CacheOutcome(CacheSource.LLM, null, null, Duration.ofNanos(System.nanoTime() - startNanos),
                shared ? ProviderCacheUsage.NONE : usage, stored, shared, lookup.degraded());
    }
}
