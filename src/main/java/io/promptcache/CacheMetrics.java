package io.promptcache;

import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
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
    private final Map<String, LongAdder> notStored = new ConcurrentHashMap<>();
    private final LongAdder wrongReports = new LongAdder();
    private final Map<CacheDependency, State> health = new EnumMap<>(CacheDependency.class);

    private volatile Recorder recorder;

    /**
     * Where the measurements that are not counts go (a Micrometer binding, say): the best candidate's
     * similarity of each semantic lookup, and the time each call spent in the cache.
     */
    public interface Recorder {
        void similarity(double bestCosine);

        /**
         * The best candidate's similarity with the vector space it was found in ({@code zh} or {@code en} for
         * the in-process models, {@code single} for an embedder of your own): each model has its own cosine
         * scale, so a threshold is tuned on one space's values. By default, {@link #similarity(double)}.
         */
        default void similarity(String space, double bestCosine) {
            similarity(bestCosine);
        }

        void cacheTime(CacheSource source, long nanos);
    }

    /** Sends similarities and cache times to {@code recorder} from now on (one recorder at a time). */
    public void recorder(Recorder recorder) {
        this.recorder = recorder;
    }

    void similarity(String space, double bestCosine) {
        Recorder r = recorder;
        if (r != null) {
            try {
                r.similarity(space, bestCosine);
            } catch (RuntimeException ignored) {
                // a metrics backend that throws never fails a call
            }
        }
    }

    void cacheTime(CacheSource source, long nanos) {
        Recorder r = recorder;
        if (r != null) {
            try {
                r.cacheTime(source, nanos);
            } catch (RuntimeException ignored) {
                // a metrics backend that throws never fails a call
            }
        }
    }

    public CacheMetrics() {
        for (CacheDependency d : CacheDependency.values()) {
            health.put(d, new State(d));
        }
    }

    /** A dependency failed (an exception or its budget ran out); it stays down until its next success. */
    void dependencyFault(CacheDependency dependency, String kind) {
        health.get(dependency).fault(kind);
    }

    /** A dependency answered. */
    void dependencyUp(CacheDependency dependency) {
        health.get(dependency).up();
    }

    /** True while the dependency answers; false from its first fault until its next success. */
    public boolean isUp(CacheDependency dependency) {
        return health.get(dependency).up;
    }

    /** The state of every dependency, in declaration order. */
    public Map<CacheDependency, DependencyHealth> health() {
        Map<CacheDependency, DependencyHealth> out = new EnumMap<>(CacheDependency.class);
        health.forEach((d, s) -> out.put(d, s.view()));
        return out;
    }

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

    /** A model answer not stored for a reason other than the policy: {@code no_store}, {@code time_sensitive}. */
    void notStored(String reason) {
        notStored.computeIfAbsent(reason, k -> new LongAdder()).increment();
    }

    void wrongReported() {
        wrongReports.increment();
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
        Map<String, Long> skipped = new TreeMap<>();
        notStored.forEach((k, v) -> skipped.put(k, v.sum()));
        return new Snapshot(requests.sum(), exactHits.sum(), semanticHits.sum(), misses.sum(), stores.sum(),
                notCacheable.sum(), sharedFlights.sum(), faults.sum(), timeouts.sum(), staleCandidates.sum(),
                Map.copyOf(rej), Map.copyOf(health()), Map.copyOf(skipped), wrongReports.sum());
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
     * @param health          the state of each dependency
     * @param notStored       model answers not stored, by reason: {@code no_store} (the caller's control),
     *                        {@code time_sensitive} (the freshness policy)
     * @param wrongReports    answers served from the cache that the application reported wrong
     */
    public record Snapshot(long requests, long exactHits, long semanticHits, long misses, long stores,
                           long notCacheable, long sharedFlights, long faults, long timeouts,
                           long staleCandidates, Map<String, Long> rejections,
                           Map<CacheDependency, DependencyHealth> health, Map<String, Long> notStored,
                           long wrongReports) {

        public double hitRatio() {
            return requests == 0 ? 0 : (double) (exactHits + semanticHits) / requests;
        }

        /** Dependencies that were down at the moment of the snapshot. */
        public Set<CacheDependency> degraded() {
            Set<CacheDependency> out = EnumSet.noneOf(CacheDependency.class);
            health.values().stream().filter(h -> !h.up()).forEach(h -> out.add(h.dependency()));
            return out;
        }
    }

    /** Up or down, written by cache threads; a state change is rare, so it is guarded by the object. */
    private static final class State {
        private final CacheDependency dependency;
        private final LongAdder faults = new LongAdder();
        private volatile boolean up = true;
        private Instant since;
        private String lastFault;

        State(CacheDependency dependency) {
            this.dependency = dependency;
        }

        void fault(String kind) {
            faults.increment();
            synchronized (this) {
                lastFault = kind;
                if (up) {
                    up = false;
                    since = Instant.now();
                }
            }
        }

        void up() {
            if (up) {
                return; // the hot path: one volatile read
            }
            synchronized (this) {
                if (!up) {
                    up = true;
                    since = Instant.now();
                }
            }
        }

        synchronized DependencyHealth view() {
            return new DependencyHealth(dependency, up, since, lastFault, faults.sum());
        }
    }
}
