package io.promptcache.metrics;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.promptcache.AbstractCachingModel;
import io.promptcache.CacheDependency;
import io.promptcache.CacheMetrics;
import io.promptcache.CacheSource;
import io.promptcache.prefix.CacheAccounting;
import io.promptcache.semantic.ContextDependenceGuard;
import io.promptcache.semantic.LexicalGuard;
import io.promptcache.semantic.LlmJudgeVerifier;
import io.promptcache.semantic.ScoringModelVerifier;
import io.promptcache.semantic.TokenAlignmentVerifier;
import io.promptcache.store.CacheStore;
import io.promptcache.store.StoreStats;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToDoubleFunction;

/**
 * A caching model's meters in a Micrometer {@link MeterRegistry}, with or without Spring:
 *
 * <pre>{@code
 * CachingChatModel model = CachingChatModel.builder().delegate(deepSeek).build();
 * PromptCacheMeters.bind(model, registry);
 * }</pre>
 *
 * Names follow Micrometer's conventions (dot-separated, lower case; a Prometheus registry shows
 * {@code promptcache_requests_total}). Every tag value is from a small fixed set: no tenant, user or
 * question ever becomes a tag.
 *
 * <ul>
 *   <li>{@code promptcache.requests} (counter): {@code source} exact | semantic | llm, {@code shared} true | false
 *       (an llm call that waited for an identical call in flight)</li>
 *   <li>{@code promptcache.lookup} (timer): the time a call spent in the cache, by {@code source}</li>
 *   <li>{@code promptcache.similarity} (summary): the best candidate's cosine on every semantic lookup, hit or
 *       miss: what a threshold is tuned on; by {@code space} zh | en (the in-process models) | single (an
 *       embedder of your own)</li>
 *   <li>{@code promptcache.rejections} (counter): semantic candidates rejected, by {@code verifier} lexical |
 *       context | token-alignment | scoring-model | llm-judge | feedback-veto</li>
 *   <li>{@code promptcache.faults} (counter): cache faults, by {@code kind} error | timeout</li>
 *   <li>{@code promptcache.dependency.faults} (counter) and {@code promptcache.dependency.up} (gauge, 1 or 0),
 *       by {@code dependency} store | embedder | vector_store | cache</li>
 *   <li>{@code promptcache.not.stored} (counter): model answers not stored, by {@code reason} policy | no_store |
 *       time_sensitive</li>
 *   <li>{@code promptcache.wrong.reports} (counter): cached answers reported wrong</li>
 *   <li>{@code promptcache.tokens.saved} (counter): tokens the cache kept from the model, by {@code type} prompt |
 *       output; {@code promptcache.cost.saved} (gauge, USD)</li>
 *   <li>{@code promptcache.provider.prompt.tokens} (counter): the provider's prompt tokens by {@code cache} hit |
 *       miss (DeepSeek's prefix cache)</li>
 *   <li>{@code promptcache.store.entries} and {@code promptcache.store.memory} (gauges, bytes): the store's size,
 *       read at most every 30 s in the background (it scans the store)</li>
 * </ul>
 *
 * A meter that throws never fails a call: values are read from the cache's own counters, and the two
 * recorded directly are guarded.
 */
public final class PromptCacheMeters {

    private static final Duration STORE_REFRESH = Duration.ofSeconds(30);

    private PromptCacheMeters() {
    }

    /** Bindings not yet closed: they keep what their meters read alive, whatever the registry holds weakly. */
    private static final java.util.Set<Binding> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Registers the model's meters; {@code extraTags} (bounded, e.g. the model's name) go on every one. The
     * meters read their true values for as long as they are bound, garbage collections included (Micrometer
     * holds a meter's state weakly; the binding holds it strongly). They leave the registry when the returned
     * binding or the model is closed.
     */
    public static Binding bind(AbstractCachingModel model, MeterRegistry registry, String... extraTags) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(registry, "registry");
        Tags common = Tags.of(extraTags);
        CacheMetrics metrics = model.metrics();
        StoreSize size = new StoreSize(model.store());
        Binding meters = new Binding(registry, new java.util.ArrayList<>(List.of(metrics, model.accounting(), size)));

        requests(meters, common, metrics, "exact", "false", s -> s.exactHits());
        requests(meters, common, metrics, "semantic", "false", s -> s.semanticHits());
        requests(meters, common, metrics, "llm", "false", s -> s.misses() - s.sharedFlights());
        requests(meters, common, metrics, "llm", "true", s -> s.sharedFlights());

        Map<CacheSource, Timer> lookup = new EnumMap<>(CacheSource.class);
        for (CacheSource source : CacheSource.values()) {
            lookup.put(source, meters.keep(Timer.builder("promptcache.lookup").description("Time a call spent in the cache")
                    .tags(common).tag("source", source.wireName()).register(registry)));
        }
        // One summary per vector space (a few fixed names): cosines of two models are on different scales.
        Map<String, DistributionSummary> similarity = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.function.Function<String, DistributionSummary> summary = space -> meters.keep(DistributionSummary
                .builder("promptcache.similarity")
                .description("Cosine similarity of the best candidate of each semantic lookup").tags(common)
                .tag("space", space).scale(1).register(registry));
        metrics.recorder(new CacheMetrics.Recorder() {
            @Override
            public void similarity(double bestCosine) {
                similarity(io.promptcache.semantic.SemanticIndex.SINGLE, bestCosine);
            }

            @Override
            public void similarity(String space, double bestCosine) {
                similarity.computeIfAbsent(space, summary).record(bestCosine);
            }

            @Override
            public void cacheTime(CacheSource source, long nanos) {
                lookup.get(source).record(nanos, TimeUnit.NANOSECONDS);
            }
        });

        for (String verifier : List.of(LexicalGuard.NAME, ContextDependenceGuard.NAME, TokenAlignmentVerifier.NAME,
                ScoringModelVerifier.NAME, LlmJudgeVerifier.NAME, "feedback-veto")) {
            counter(meters, "promptcache.rejections", "Semantic candidates rejected", common.and("verifier", verifier),
                    metrics, s -> s.rejections().getOrDefault(verifier, 0L));
        }
        counter(meters, "promptcache.faults", "Cache faults passed over", common.and("kind", "error"), metrics,
                s -> s.faults());
        counter(meters, "promptcache.faults", "Cache faults passed over", common.and("kind", "timeout"), metrics,
                s -> s.timeouts());
        for (CacheDependency d : CacheDependency.values()) {
            counter(meters, "promptcache.dependency.faults", "Faults of a dependency", common.and("dependency", d.wireName()),
                    metrics, s -> s.health().get(d).faults());
            meters.keep(Gauge.builder("promptcache.dependency.up", metrics, m -> m.isUp(d) ? 1 : 0)
                    .description("1 while the dependency answers, 0 while the cache passes over it")
                    .tags(common).tag("dependency", d.wireName()).register(registry));
        }
        counter(meters, "promptcache.not.stored", "Model answers not stored", common.and("reason", "policy"), metrics,
                s -> s.notCacheable());
        for (String reason : List.of("no_store", "time_sensitive")) {
            counter(meters, "promptcache.not.stored", "Model answers not stored", common.and("reason", reason), metrics,
                    s -> s.notStored().getOrDefault(reason, 0L));
        }
        counter(meters, "promptcache.wrong.reports", "Cached answers reported wrong", common, metrics, s -> s.wrongReports());

        CacheAccounting accounting = model.accounting();
        accountingCounter(meters, "promptcache.tokens.saved", common.and("type", "prompt"), accounting,
                a -> a.savedPromptTokens());
        accountingCounter(meters, "promptcache.tokens.saved", common.and("type", "output"), accounting,
                a -> a.savedOutputTokens());
        accountingCounter(meters, "promptcache.provider.prompt.tokens", common.and("cache", "hit"), accounting,
                a -> a.providerHitTokens());
        accountingCounter(meters, "promptcache.provider.prompt.tokens", common.and("cache", "miss"), accounting,
                a -> a.providerMissTokens());
        meters.keep(Gauge.builder("promptcache.cost.saved", accounting, a -> a.snapshot().saved())
                .description("Estimated money the caches saved, in USD").baseUnit("usd").tags(common).register(registry));

        meters.keep(Gauge.builder("promptcache.store.entries", size, s -> s.read().entries()).description("Entries in the store")
                .tags(common).register(registry));
        meters.keep(Gauge.builder("promptcache.store.memory", size, s -> s.read().memoryBytes()).description("Memory the store uses")
                .baseUnit("bytes").tags(common).register(registry));
        io.promptcache.calibration.SelfCalibrator calibrator = model.selfCalibrator();
        if (calibrator != null) {
            calibration(meters, common, calibrator);
        }
        LIVE.add(meters);
        model.addCloseListener(meters::close);
        return meters;
    }

    /** The meters of one bound model; closing it removes them from the registry. */
    public static final class Binding implements AutoCloseable {
        private final MeterRegistry registry;
        private final List<Object> state;
        private final List<io.micrometer.core.instrument.Meter> meters = new java.util.concurrent.CopyOnWriteArrayList<>();
        private volatile boolean closed;

        private Binding(MeterRegistry registry, List<Object> state) {
            this.registry = registry;
            this.state = state;
        }

        private <M extends io.micrometer.core.instrument.Meter> M keep(M meter) {
            meters.add(meter);
            if (closed) {
                registry.remove(meter); // registered lazily (a new vector space) after the model was closed
            }
            return meter;
        }

        /** The meters this binding registered and has not removed. */
        public List<io.micrometer.core.instrument.Meter> meters() {
            return List.copyOf(meters);
        }

        @Override
        public void close() {
            closed = true;
            for (io.micrometer.core.instrument.Meter meter : meters) {
                registry.remove(meter);
            }
            meters.clear();
            LIVE.remove(this);
        }

        @Override
        public String toString() {
            return "PromptCacheMeters.Binding[" + meters.size() + " meters, " + state.size() + " sources]";
        }
    }

    /**
     * Opt-in: {@code promptcache.tenant.requests} (counter) with a {@code tenant} tag and {@code source}.
     * Only for applications with a small, known set of tenants: every tenant id becomes a time series in
     * the metrics backend, and tenant ids are data of your users. Pass it to the builder's {@code listener}.
     */
    public static io.promptcache.CacheListener tenantRequests(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        return outcome -> io.micrometer.core.instrument.Counter.builder("promptcache.tenant.requests")
                .description("Calls by tenant and by where the answer came from")
                .tag("tenant", outcome.tenant() == null ? "none" : outcome.tenant())
                .tag("source", outcome.source().wireName())
                .register(registry).increment();
    }

    /** Per vector space (a few fixed names); never a question or a tenant. */
    private static void calibration(Binding meters, Tags common, io.promptcache.calibration.SelfCalibrator calibrator) {
        meters.state.add(calibrator);
        for (String space : calibrator.spaces()) {
            Tags tags = common.and("space", space);
            meters.keep(Gauge.builder("promptcache.calibration.threshold", calibrator, c -> Math.min(1.0, c.threshold(space)))
                    .description("Cosine a semantic candidate needs now: the learnt threshold, the known one in shadow, 1 when nothing is served")
                    .tags(tags).register(meters.registry));
            meters.keep(Gauge.builder("promptcache.calibration.serving", calibrator, c -> c.state(space).serving() ? 1 : 0)
                    .description("1 once the space serves at a learnt threshold, 0 in shadow").tags(tags).register(meters.registry));
            meters.keep(Gauge.builder("promptcache.calibration.judged.pairs", calibrator, c -> c.state(space).judged())
                    .description("Judged pairs the threshold was chosen on").tags(tags).register(meters.registry));
            meters.keep(Gauge.builder("promptcache.calibration.wrong.share", calibrator, c -> c.state(space).bound())
                    .description("Upper bound on the share of served semantic hits that are wrong, at the threshold")
                    .tags(tags.and("estimate", "bound")).register(meters.registry));
            meters.keep(Gauge.builder("promptcache.calibration.wrong.share", calibrator, c -> c.state(space).observedWrongShare())
                    .description("Share of judged pairs judged or reported wrong").tags(tags.and("estimate", "judged"))
                    .register(meters.registry));
            for (String result : List.of("same", "different", "failed")) {
                meters.keep(FunctionCounter.builder("promptcache.calibration.judge.calls", calibrator,
                                c -> c.counts(space).judgeCalls(result)).description("Judge calls of this instance, by verdict")
                        .tags(tags.and("result", result)).register(meters.registry));
            }
            meters.keep(FunctionCounter.builder("promptcache.calibration.skipped", calibrator, c -> c.counts(space).dropped())
                    .description("Candidates not judged: the hourly judge budget was spent or the queue was full")
                    .tags(tags.and("reason", "budget")).register(meters.registry));
            meters.keep(FunctionCounter.builder("promptcache.calibration.skipped", calibrator,
                            c -> c.counts(space).rejectedByVerifiers())
                    .description("Candidates not judged: the verifiers reject them, so they are never served")
                    .tags(tags.and("reason", "verifiers")).register(meters.registry));
        }
    }

    private static void requests(Binding meters, Tags common, CacheMetrics metrics, String source, String shared,
                                 ToDoubleFunction<CacheMetrics.Snapshot> value) {
        counter(meters, "promptcache.requests", "Calls, by where the answer came from",
                common.and("source", source, "shared", shared), metrics, value);
    }

    private static void counter(Binding meters, String name, String description, Tags tags, CacheMetrics metrics,
                                ToDoubleFunction<CacheMetrics.Snapshot> value) {
        meters.keep(FunctionCounter.builder(name, metrics, m -> value.applyAsDouble(m.snapshot()))
                .description(description).tags(tags).register(meters.registry));
    }

    private static void accountingCounter(Binding meters, String name, Tags tags, CacheAccounting accounting,
                                          ToDoubleFunction<CacheAccounting.Snapshot> value) {
        meters.keep(FunctionCounter.builder(name, accounting, a -> value.applyAsDouble(a.snapshot())).baseUnit("tokens")
                .tags(tags).register(meters.registry));
    }

    /** The store's size, refreshed in the background at most every 30 s: counting scans the store. */
    private static final class StoreSize {
        private final CacheStore store;
        private volatile Totals last = new Totals(0, 0);
        private volatile long readAt;
        private final AtomicBoolean refreshing = new AtomicBoolean();

        record Totals(long entries, long memoryBytes) {
        }

        StoreSize(CacheStore store) {
            this.store = store;
        }

        Totals read() {
            long now = System.nanoTime();
            if ((readAt == 0 || now - readAt > STORE_REFRESH.toNanos()) && refreshing.compareAndSet(false, true)) {
                Thread t = new Thread(this::refresh, "promptcache-meters-store");
                t.setDaemon(true);
                t.start();
            }
            return last;
        }

        private void refresh() {
            try {
                long entries = 0;
                long memory = 0;
                for (String tenant : store.tenants()) {
                    StoreStats s = store.stats(tenant);
                    entries += s.entries();
                    memory += s.memoryBytes();
                }
                last = new Totals(entries, memory);
            } catch (RuntimeException e) {
                // the store is down: the gauges keep their last values; the dependency gauge says why
            } finally {
                readAt = System.nanoTime();
                refreshing.set(false);
            }
        }
    }
}
