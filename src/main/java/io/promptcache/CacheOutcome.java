package io.promptcache;

import io.promptcache.prefix.ProviderCacheUsage;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

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
 * @param degradedBy      the dependencies that failed, timed out or were skipped as down during this call;
 *                        empty when the cache worked fully
 * @param warmingUp       true when the semantic tier was skipped because the embedder was still loading
 * @param control         the cache control that applied to the call
 * @param tenant          the tenant of the call
 * @param entryId         the entry that served a hit, or that stored the model's answer; otherwise {@code null}
 * @param question        the question asked (the last user message); {@code null} when there was none
 */
public record CacheOutcome(CacheSource source,
                           Double similarity,
                           String matchedQuestion,
                           Duration latency,
                           ProviderCacheUsage providerUsage,
                           boolean stored,
                           boolean sharedFlight,
                           Set<CacheDependency> degradedBy,
                           boolean warmingUp,
                           CacheControl control,
                           String tenant,
                           String entryId,
                           String question) {

    public CacheOutcome {
        degradedBy = degradedBy == null || degradedBy.isEmpty() ? Set.of() : Set.copyOf(degradedBy);
        control = control == null ? CacheControl.DEFAULT : control;
    }

    /** True when a cache fault or the embedder's warm-up was passed over: the cache did less than it could. */
    public boolean degraded() {
        return !degradedBy.isEmpty() || warmingUp;
    }

    /** A hit from the exact or the semantic tier. */
    static CacheOutcome hit(CacheEngine.Lookup lookup, long startNanos) {
        return new CacheOutcome(lookup.source(),
                lookup.match() == null ? null : lookup.match().similarity(),
                lookup.match() == null ? null : lookup.match().candidate(),
                Duration.ofNanos(System.nanoTime() - startNanos), ProviderCacheUsage.NONE, false, false,
                lookup.degraded(), lookup.warmingUp(), lookup.context().control(), lookup.context().tenant(),
                lookup.entry().id(), question(lookup));
    }

    private static String question(CacheEngine.Lookup lookup) {
        return lookup.fingerprint() == null ? null : lookup.fingerprint().question();
    }

    /** A call the model answered, or that waited for an identical call in flight ({@code shared}). */
    static CacheOutcome model(CacheEngine.Lookup lookup, long startNanos, ProviderCacheUsage usage,
                              CacheEngine.Stored stored, boolean shared) {
        Set<CacheDependency> degraded = EnumSet.noneOf(CacheDependency.class);
        degraded.addAll(lookup.degraded());
        degraded.addAll(stored.degraded());
        return new CacheOutcome(CacheSource.LLM, null, null, Duration.ofNanos(System.nanoTime() - startNanos),
                shared ? ProviderCacheUsage.NONE : usage, stored.stored(), shared, degraded, lookup.warmingUp(),
                lookup.context().control(), lookup.context().tenant(),
                stored.stored() ? lookup.fingerprint().exactKey() : null, question(lookup));
    }
}
