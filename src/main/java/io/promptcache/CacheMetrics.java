package io.promptcache;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one caching model. Cheap to update from many threads; read with {@link #snapshot()}. */
public final class CacheMetrics {

    private final LongAdder requests = new LongAdder();
    private final LongAdder exactHits = new LongAdder();
    private final LongAdder semanticHits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder stores = new LongAdder();
    private final LongAdder notCacheable = new LongAdder();
    private final LongAdder sharedFlights = new LongAdder();
    private final LongAdder faults = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder staleCandidates = new LongAdder();
    private final Map<String, LongAdder> rejections = new ConcurrentHashMap<>();

    void request() {
        requests.increment();
    }

    void hit(CacheSource source) {
        (source == CacheSource.EXACT ? exactHits : semanticHits).increment();
    }

    void miss() {
        misses.increment();
    }

    void stored() {
        stores.increment();
    }

    void notCacheable() {
        notCacheable.increment();
    }

    void sharedFlight() {
        sharedFlights.increment();
    }

    void fault() {
        faults.increment();
    }

    void timeout() {
        timeouts.increment();
    }

    void staleCandidate() {
        staleCandidates.increment();
    }

    void rejected(String verifier) {
        rejections.computeIfAbsent(verifier, k -> new LongAdder()).increment();
    }

    public Snapshot snapshot() {
        Map<String, Long> rej = new TreeMap<>();
        rejections.forEach((k, v) -> rej.put(k, v.sum()));
        return new Snapshot(requests.sum(), exactHits.sum(), semanticHits.sum(), misses.sum(), stores.sum(),
                notCacheable.sum(), sharedFlights.sum(), faults.sum(), timeouts.sum(), staleCandidates.sum(),
                Map.copyOf(rej));
    }

    /**
     * Counter values at one moment.
     *
     * @param requests        calls seen
     * @param exactHits       answered from an identical request
     * @param semanticHits    answered from a verified neighbour
     * @param misses          passed to the model
     * @param stores          model answers stored
     * @param notCacheable    model answers not stored by policy (errors, tool calls, cut-off answers ...)
     * @param sharedFlights   calls that waited for an identical call in flight instead of calling the model
     * @param faults          cache faults passed over (fail-open)
     * @param timeouts        cache operations that ran out of their latency budget
     * @param staleCandidates semantic candidates whose entry had already gone
     * @param rejections      semantic candidates rejected, by verifier name
     */
    public record Snapshot(long requests, long exactHits, long semanticHits, long misses, long stores,
                           long notCacheable, long sharedFlights, long faults, long timeouts,
                           long staleCandidates, Map<String, Long> rejections) {

        public double hitRatio() {
            return requests == 0 ? 0 : (double) (exactHits + semanticHits) / requests;
        }
    }
}
