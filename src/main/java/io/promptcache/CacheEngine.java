package io.promptcache;

import io.promptcache.calibration.CalibrationStore;
import io.promptcache.calibration.PairJudge;
import io.promptcache.calibration.SelfCalibration;
import io.promptcache.calibration.SelfCalibrator;
import dev.langchain4j.data.embedding.Embedding;
import io.promptcache.core.CacheAnswer;
import io.promptcache.core.CacheRequest;
import io.promptcache.key.RequestFingerprint;
import io.promptcache.prefix.CacheAccounting;
import io.promptcache.prefix.PrefixBreakDetector;
import io.promptcache.semantic.EmbeddingDimensionException;
import io.promptcache.semantic.MatchCandidate;
import io.promptcache.semantic.SemanticIndex;
import io.promptcache.semantic.Verdict;
import io.promptcache.semantic.VerifierChain;
import io.promptcache.store.CacheEntry;
import io.promptcache.store.CacheStore;
import io.promptcache.store.StoredResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The cache logic shared by the blocking and the streaming model: fingerprint, exact lookup,
 * semantic lookup with verification, storing, and fail-open around all of it. Every cache I/O
 * runs on the cache executor and is awaited for at most its latency budget; past that, or on any
 * fault, the call goes on to the model as if the cache were empty.
 */
final class CacheEngine {

    private static final Logger LOG = LoggerFactory.getLogger(CacheEngine.class);
    /** Verifier name under which reported near misses are counted in the rejections. */
    static final String FEEDBACK_VETO = "feedback-veto";

    private final CacheStore store;
    private final SemanticIndex index;
    /** The threshold and verifiers of each vector space (models are calibrated apart). */
    private final Map<String, Matching> matching;
    private final Duration ttl;
    private final Duration lookupTimeout;
    private final Duration writeTimeout;
    private final CachePolicy policy;
    private final boolean perUserIsolation;
    private final boolean canonicalLayout;
    private final String defaultTenant;
    private final CacheMetrics metrics;
    private final List<CacheListener> listeners;
    private final ExecutorService executor;
    private final Clock clock;
    private final FaultLog faults = new FaultLog(LOG);
    private final OnceLog dimensionErrors = new OnceLog(LOG);
    private final DependencyGuard guard;
    private final CompletableFuture<Void> embedderWarm;
    private final IndexBacklog backlog = new IndexBacklog(10_000);
    private final CacheAccounting accounting;
    private final PrefixBreakDetector prefixBreaks;
    private final FreshnessPolicy freshness;
    private final TtlMode ttlMode;
    private final CanonicalTurns canonicalTurns;
    private final Duration maxAge;
    /** Null unless self-calibration is on. */
    private final SelfCalibrator calibrator;

    CacheEngine(CachingModelBuilder<?> b) {
        this.store = b.resolveStore();
        this.index = b.resolveIndex();
        this.matching = index == null ? Map.of() : b.resolveMatching(index);
        this.ttl = b.ttl;
        this.lookupTimeout = b.lookupTimeout;
        this.writeTimeout = b.writeTimeout;
        this.policy = b.policy;
        this.perUserIsolation = b.perUserIsolation;
        this.canonicalLayout = b.canonicalLayout;
        this.defaultTenant = b.defaultTenant;
        this.metrics = b.metrics;
        this.listeners = List.copyOf(b.listeners);
        this.executor = b.executor == null ? CacheExecutor.shared() : b.executor;
        this.clock = b.clock;
        this.accounting = new CacheAccounting(b.pricing);
        this.prefixBreaks = b.prefixBreakDetector;
        this.freshness = b.freshness;
        this.ttlMode = b.ttlMode;
        this.canonicalTurns = new CanonicalTurns(b.canonicalConversations);
        this.maxAge = b.maxAge;
        this.guard = new DependencyGuard(metrics, b.retryInterval);
        this.embedderWarm = warmEmbedder();
        this.calibrator = index == null || b.selfCalibration == null ? null : calibrator(b);
        store.addRemovalListener(new CacheStore.RemovalListener() {
            @Override
            public void onRemoval(String tenant, String id, io.promptcache.store.RemovalCause cause) {
                if (index == null) {
                    return;
                }
                try {
                    index.remove(tenant, id);
                } catch (RuntimeException e) {
                    faults.fault("index removal", e);
                }
            }

            @Override
            public void onTenantCleared(String tenant) {
                canonicalTurns.forget(tenant);
            }
        });
    }

    private SelfCalibrator calibrator(CachingModelBuilder<?> b) {
        SelfCalibration settings = b.selfCalibration;
        if (settings.judge() == null) {
            PairJudge own = b.delegateJudge();
            if (own == null) {
                throw new IllegalStateException("selfCalibration needs a judge: set delegate(...) or SelfCalibration.builder().judge(...)");
            }
            settings = settings.withJudge(own);
        }
        CalibrationStore shared = store.calibrationStore();
        List<SelfCalibrator.SpaceInfo> spaces = new java.util.ArrayList<>();
        for (SemanticIndex.Space space : index.spaces()) {
            Matching rules = matching.get(space.name());
            spaces.add(new SelfCalibrator.SpaceInfo(space.name(),
                    io.promptcache.embedding.EmbeddingModels.name(space.model()), space::dimension,
                    rules.knownForModel() ? rules.threshold() : null, rules.verifiers()));
        }
        return new SelfCalibrator(settings,
                shared != null ? shared : CalibrationStore.inMemory(), spaces, clock);
    }

    /** Null unless self-calibration is on. */
    SelfCalibrator calibrator() {
        return calibrator;
    }

    void close() {
        if (calibrator != null) {
            calibrator.close();
        }
    }

    String defaultTenant() {
        return defaultTenant;
    }

    CacheStore store() {
        return store;
    }

    CacheMetrics metrics() {
        return metrics;
    }

    Duration writeTimeout() {
        return writeTimeout;
    }

    CacheAccounting accounting() {
        return accounting;
    }

    PrefixBreakDetector prefixBreaks() {
        return prefixBreaks;
    }

    /** Tenant and user of the calling thread's {@link CacheScope}, or the default tenant. */
    CallContext context() {
        Optional<CacheScope> scope = CacheScope.current();
        List<CacheListener.Call> calls = startCalls();
        return scope.map(s -> new CallContext(s.tenant(), s.user(), s, s.takeControl(), calls))
                .orElseGet(() -> new CallContext(defaultTenant, null, null, CacheControl.DEFAULT, calls));
    }

    /** As {@link #context()}, with no listener told that a call starts, and a one-call control left in place. */
    CallContext contextWithoutListeners() {
        Optional<CacheScope> scope = CacheScope.current();
        return scope.map(s -> new CallContext(s.tenant(), s.user(), s, s.control(), List.<CacheListener.Call>of()))
                .orElseGet(() -> new CallContext(defaultTenant, null, null, CacheControl.DEFAULT, List.of()));
    }

    private List<CacheListener.Call> startCalls() {
        if (listeners.isEmpty()) {
            return List.of();
        }
        List<CacheListener.Call> calls = new ArrayList<>(listeners.size());
        for (CacheListener listener : listeners) {
            try {
                calls.add(listener.onStart());
            } catch (RuntimeException e) {
                faults.fault("listener", e);
            }
        }
        return calls;
    }

    /** Whether the LangChain4j door lays requests out canonically (see {@code AbstractCachingModel#layout}). */
    boolean canonicalLayout() {
        return canonicalLayout;
    }

    /** Logs a cache fault (rate-limited, never the prompt) and counts it. */
    void fault(String what, RuntimeException e) {
        faults.fault(what, e);
    }

    /**
     * An exact hit on an entry a front door has already keyed (see {@code CachingChatModel#serveKnownEntry}): one
     * bounded store read, no fingerprint. Null when the entry cannot be served (gone, expired, control, store down
     * or slow): then the caller makes the whole call, which counts the request itself.
     */
    Lookup lookupKnown(CallContext ctx, String entryId) {
        if (!ctx.control().mayServe() || !guard.allow(CacheDependency.STORE)) {
            return null;
        }
        Set<CacheDependency> degraded = EnumSet.noneOf(CacheDependency.class);
        Optional<CacheEntry> entry;
        if (store.inProcess()) {
            try {
                entry = store.hit(ctx.tenant(), entryId); // memory: no I/O to bound, and no hand-off to pay for
            } catch (RuntimeException e) {
                faults.fault("exact lookup", e);
                return null;
            }
        } else {
            entry = bounded("exact lookup", System.nanoTime() + lookupTimeout.toNanos(),
                    new Phase(CacheDependency.STORE), degraded, () -> store.hit(ctx.tenant(), entryId)).flatMap(e -> e);
        }
        if (entry.isEmpty()) {
            return null;
        }
        metrics.request();
        return new Lookup(ctx, null, CacheSource.EXACT, entry.get(), null, null, degraded, false);
    }

    Lookup lookup(CacheRequest request, CallContext ctx) {
        metrics.request();
        if (prefixBreaks != null) {
            try {
                prefixBreaks.observe(ctx.tenant(), ctx.user(), request);
            } catch (RuntimeException e) {
                faults.fault("prefix check", e);
            }
        }
        RequestFingerprint literal;
        try {
            literal = RequestFingerprint.of(request, ctx.tenant(), perUserIsolation ? ctx.user() : null);
        } catch (RuntimeException e) {
            metrics.fault();
            faults.fault("fingerprint", e);
            return Lookup.bypass(ctx, EnumSet.of(CacheDependency.CACHE));
        }
        Set<CacheDependency> degraded = EnumSet.noneOf(CacheDependency.class);
        if (ctx.control().noCache()) {
            return Lookup.miss(ctx, literal, null, degraded, false); // the caller wants the model's answer
        }
        long deadline = System.nanoTime() + lookupTimeout.toNanos();

        // The exact tier needs the store alone: it answers even while the embedder or the vector store is down.
        Phase exactPhase = new Phase(CacheDependency.STORE);
        Optional<ExactStep> exact = guard.allow(CacheDependency.STORE)
                ? bounded("exact lookup", deadline, exactPhase, degraded, () -> exactStep(request, literal, ctx))
                : skipped(CacheDependency.STORE, degraded);
        if (exact.isEmpty()) {
            return Lookup.miss(ctx, literal, null, degraded, false); // no store, nothing to serve
        }
        RequestFingerprint fp = exact.get().fingerprint();
        if (exact.get().entry().isPresent()) {
            return refreshed(new Lookup(ctx, fp, CacheSource.EXACT, exact.get().entry().get(), null, null, degraded, false));
        }
        if (index == null || !fp.semanticEligible() || ctx.control().exactOnly() || !index.covers(fp.question())) {
            return Lookup.miss(ctx, fp, null, degraded, false);
        }
        if (!awaitEmbedder(deadline)) {
            // The embedder is still loading: skip the semantic tier; the exact tier already answered.
            return Lookup.miss(ctx, fp, null, degraded, true);
        }
        if (!guard.allow(CacheDependency.EMBEDDER)) {
            degraded.add(CacheDependency.EMBEDDER);
            return Lookup.miss(ctx, fp, null, degraded, false);
        }
        SemanticProbe probe = new SemanticProbe();
        Optional<Lookup> semantic = bounded("semantic lookup", deadline, probe.phase, degraded,
                () -> findSemantic(fp, ctx, probe, degraded));
        return refreshed(semantic.orElseGet(() -> Lookup.miss(ctx, fp, probe.embedding, degraded, false)));
    }

    /**
     * Reads the exact tier again for a miss that has just won its flight, because an identical call's answer
     * settled after this call's lookup began ({@link SingleFlight}). Returns an exact hit, or the miss as it was.
     */
    Lookup recheck(Lookup miss) {
        if (miss.fingerprint() == null || !miss.context().control().mayServe() || !guard.allow(CacheDependency.STORE)) {
            return miss;
        }
        Set<CacheDependency> degraded = EnumSet.noneOf(CacheDependency.class);
        degraded.addAll(miss.degraded());
        Optional<CacheEntry> landed = bounded("exact lookup", System.nanoTime() + lookupTimeout.toNanos(),
                new Phase(CacheDependency.STORE), degraded,
                () -> store.hit(miss.context().tenant(), miss.fingerprint().exactKey())).flatMap(e -> e);
        return landed.map(e -> new Lookup(miss.context(), miss.fingerprint(), CacheSource.EXACT, e, null,
                        miss.embedding(), degraded, miss.warmingUp()))
                .orElse(miss);
    }

    /**
     * A sliding TTL moves a served entry's expiry to a TTL from now, never past its maximum age. Written in
     * the background, and only when it moves by a tenth of the TTL or more: a popular entry costs about ten
     * writes per TTL, not one per hit.
     */
    void slide(Lookup hit) {
        CacheEntry e = hit.entry();
        // Only entries stored with the usual TTL slide: one kept briefly on purpose (a time-sensitive answer,
        // a caller's shorter TTL) must not be made to live as long as the others by being popular.
        if (ttlMode != TtlMode.SLIDING || ttl.isZero() || e.expiresAt() == 0
                || e.expiresAt() - e.createdAt() < ttl.toMillis() * 9 / 10) {
            return;
        }
        long target = Math.min(clock.millis() + ttl.toMillis(), e.createdAt() + maxAge.toMillis());
        if (target - e.expiresAt() < ttl.toMillis() / 10) {
            return;
        }
        faults.inBackground(executor, "sliding ttl", () -> store.extend(hit.context().tenant(), e.id(), target));
    }

    /**
     * With {@link CacheControl#REFRESH}, the entry that would have answered is removed (its vector with
     * it) and the call goes to the model, whose answer is stored in its place.
     */
    private Lookup refreshed(Lookup lookup) {
        if (!lookup.hit() || !lookup.context().control().refresh()) {
            return lookup;
        }
        Set<CacheDependency> degraded = EnumSet.noneOf(CacheDependency.class);
        degraded.addAll(lookup.degraded());
        bounded("refresh", System.nanoTime() + writeTimeout.toNanos(), new Phase(CacheDependency.STORE), degraded,
                () -> store.remove(lookup.context().tenant(), lookup.entry().id()));
        return Lookup.miss(lookup.context(), lookup.fingerprint(), lookup.embedding(), degraded, lookup.warmingUp());
    }

    /**
     * The exact lookup, and the request's canonical form: earlier questions whose answers the cache served
     * for an equivalent question are keyed as that question, so a follow-up after a paraphrased opening
     * finds the entries of the conversation it is equivalent to (docs/architecture.md). The canonical
     * questions come with the exact read in one round trip; a second read is needed only when a turn was
     * canonicalised and the literal request had no entry.
     */
    private ExactStep exactStep(CacheRequest request, RequestFingerprint literal, CallContext ctx) {
        CanonicalTurns.Read read = canonicalTurns.readWithExact(store, literal, ctx.tenant());
        guard.ok(CacheDependency.STORE);
        if (read.canonical().isEmpty() || read.entry().isPresent()) {
            return new ExactStep(literal, read.entry());
        }
        RequestFingerprint keyed = RequestFingerprint.of(request, ctx.tenant(), perUserIsolation ? ctx.user() : null,
                read.canonical());
        return new ExactStep(keyed, store.hit(ctx.tenant(), keyed.exactKey()));
    }

    private record ExactStep(RequestFingerprint fingerprint, Optional<CacheEntry> entry) {
    }

    /** What a candidate of one vector space must pass: its cosine threshold, then its verifiers. */
    record Matching(double threshold, VerifierChain verifiers, boolean knownForModel) {
    }

    private Lookup findSemantic(RequestFingerprint fp, CallContext ctx, SemanticProbe probe,
                                Set<CacheDependency> degraded) {
        Embedding embedding = index.embed(fp.question());
        guard.ok(CacheDependency.EMBEDDER);
        probe.embedding = embedding;
        if (!guard.allow(CacheDependency.VECTOR_STORE)) {
            synchronized (degraded) {
                degraded.add(CacheDependency.VECTOR_STORE);
            }
            return Lookup.miss(ctx, fp, embedding, Set.of(), false);
        }
        probe.phase.set(CacheDependency.VECTOR_STORE);
        // The nearest whatever their similarity: the best one's similarity is what a threshold is tuned on.
        List<MatchCandidate> candidates = index.search(ctx.tenant(), fp.scopeKey(), fp.question(),
                fp.conversationTurns(), embedding, 0);
        String space = index.spaceOf(fp.question());
        Matching rules = matching.get(space);
        guard.ok(CacheDependency.VECTOR_STORE);
        drainBacklog();
        if (!candidates.isEmpty()) {
            metrics.similarity(space, candidates.get(0).similarity());
        }
        double threshold = rules.threshold();
        if (calibrator != null) {
            threshold = calibrator.threshold(space);
            MatchCandidate best = candidates.isEmpty() ? null : candidates.get(0);
            if (best != null && !best.entryId().equals(fp.exactKey()) && !best.candidate().equals(fp.question())) {
                calibrator.offer(space, best); // non-blocking: judged in the background, if at all
            }
        }
        for (MatchCandidate candidate : candidates) {
            if (candidate.similarity() < threshold) {
                break; // most similar first
            }
            probe.phase.set(CacheDependency.CACHE);
            Verdict verdict = rules.verifiers().verify(candidate);
            if (!verdict.accepted()) {
                metrics.rejected(verdict.verifier());
                LOG.debug("semantic candidate rejected by {}: {}", verdict.verifier(), verdict.reason());
                continue;
            }
            probe.phase.set(CacheDependency.STORE);
            CacheStore.CandidateRead read = store.readCandidate(ctx.tenant(), candidate.entryId(), fp.question(),
                    candidate.candidate());
            if (read.vetoed()) {
                metrics.rejected(FEEDBACK_VETO);
                continue;
            }
            Optional<CacheEntry> entry = read.entry();
            if (entry.isEmpty()) {
                // Expired, evicted or deleted since it was indexed: forget the vector and look further.
                metrics.staleCandidate();
                probe.phase.set(CacheDependency.VECTOR_STORE);
                index.remove(ctx.tenant(), candidate.entryId(), fp.question());
                continue;
            }
            if (candidate.entryId().equals(fp.exactKey())) {
                // This very request, stored by an identical call after our exact read: an exact hit, found late.
                return new Lookup(ctx, fp, CacheSource.EXACT, entry.get(), null, embedding, Set.of(), false);
            }
            canonicalTurns.remember(fp, ctx.tenant(), entry.get(), store, ttl, executor, faults);
            return new Lookup(ctx, fp, CacheSource.SEMANTIC, entry.get(), candidate, embedding, Set.of(), false);
        }
        return Lookup.miss(ctx, fp, embedding, Set.of(), false);
    }

    /**
     * Stores a model answer for the lookup that missed. The entry goes to the store first, so the exact
     * tier never depends on the embedder; the question is then embedded and indexed for the semantic
     * tier. Returns whether the entry was stored within the write budget (a slower write goes on in the
     * background) and which dependencies failed on the way.
     */
    Stored store(Lookup miss, CacheAnswer response) {
        if (miss.fingerprint() == null) {
            return Stored.NOT;
        }
        if (miss.context().control().noStore()) {
            metrics.notStored("no_store");
            return Stored.NOT;
        }
        String why = policy.whyNotCacheable(response);
        if (why != null) {
            metrics.notCacheable();
            LOG.debug("answer not stored: {}", why);
            return Stored.NOT;
        }
        Duration entryTtl = miss.context().control().ttl().orElse(ttl);
        FreshnessPolicy.Decision fresh = freshness.decide(miss.fingerprint().question(), response.text(), entryTtl);
        if (fresh.skip()) {
            metrics.notStored("time_sensitive");
            return Stored.NOT;
        }
        Duration storeTtl = fresh.ttl();
        RequestFingerprint fp = miss.fingerprint();
        Set<CacheDependency> degraded = EnumSet.noneOf(CacheDependency.class);
        if (!guard.allow(CacheDependency.STORE)) {
            return new Stored(false, EnumSet.of(CacheDependency.STORE));
        }
        boolean searchable = index != null && fp.semanticEligible() && index.covers(fp.question())
                && !response.hasToolCalls();
        boolean indexNow = searchable && embedderReady();
        Phase phase = new Phase(CacheDependency.STORE);
        CompletableFuture<Boolean> put = new CompletableFuture<>();
        Callable<Boolean> work = () -> {
            try {
                long now = clock.millis();
                Embedding known = miss.embedding();
                // The vector goes to the index alone: with several spaces, only the index knows where it belongs.
                CacheEntry entry = new CacheEntry(fp.exactKey(), miss.context().tenant(), fp.scopeKey(), fp.question(),
                        StoredResponse.from(response), null, now, now, 0, 0);
                boolean vectors = searchable && guard.allow(CacheDependency.VECTOR_STORE);
                if (vectors) {
                    phase.set(CacheDependency.VECTOR_STORE);
                    index.remove(entry.tenant(), entry.id(), fp.question()); // re-storing must not leave two vectors
                }
                phase.set(CacheDependency.STORE);
                store.put(entry, storeTtl);
                guard.ok(CacheDependency.STORE);
                metrics.stored();
                put.complete(true);
                if (searchable) {
                    boolean indexed = false;
                    try {
                        if (vectors && (known != null || guard.allow(CacheDependency.EMBEDDER))) {
                            phase.set(CacheDependency.EMBEDDER);
                            Embedding embedding = known != null ? known : index.embed(fp.question());
                            guard.ok(CacheDependency.EMBEDDER);
                            phase.set(CacheDependency.VECTOR_STORE);
                            index.add(entry.id(), entry.tenant(), entry.scopeKey(), fp.question(), embedding);
                            guard.ok(CacheDependency.VECTOR_STORE);
                            indexed = true;
                            drainBacklog();
                        }
                    } finally {
                        if (!indexed) {
                            backlog.offer(new IndexBacklog.Pending(entry.tenant(), entry.id(), entry.scopeKey(), fp.question()));
                        }
                    }
                }
                return true;
            } finally {
                put.complete(false);
            }
        };
        long deadline = System.nanoTime() + writeTimeout.toNanos();
        // While the embedder warms up, wait for the entry only: its vector follows when the model is loaded.
        bounded("store", deadline, phase, degraded, indexNow ? work : () -> {
            executor.submit(work);
            return put.get();
        });
        // A write slower than the budget goes on in the background: the flight settles when it has landed.
        return new Stored(put.getNow(false), degraded, put);
    }

    /**
     * Records an outcome: accounting, the caller's scope, the listeners, and the time the call spent in the
     * cache ({@code cacheNanos}: the whole call for a hit; the lookup and the store for a model answer).
     */
    void report(CallContext ctx, CacheOutcome outcome, CacheAnswer response, long cacheNanos) {
        metrics.cacheTime(outcome.source(), cacheNanos);
        Integer in = response == null ? null : response.inputTokens();
        Integer out = response == null ? null : response.outputTokens();
        if (outcome.source().cached() || outcome.sharedFlight()) {
            accounting.cacheHit(in, out);
        } else {
            accounting.modelCall(outcome.providerUsage(), in, out);
        }
        if (ctx.scope() != null) {
            ctx.scope().record(outcome);
        }
        for (CacheListener listener : listeners) {
            try {
                listener.onOutcome(outcome);
            } catch (RuntimeException e) {
                faults.fault("listener", e);
            }
        }
        ctx.each(c -> c.outcome(outcome));
    }

    /** Indexes, in the background, answers stored while the embedder or the vector store was down. */
    private void drainBacklog() {
        backlog.drain(index, executor, guard);
    }

    /**
     * The application says the answer behind {@code outcome} was wrong: the entry goes (with its vector),
     * and for a semantic hit the pair of questions is vetoed in that tenant, both ways, for good.
     *
     * @throws IllegalArgumentException when the outcome was not served from the cache
     */
    void reportWrong(CacheOutcome outcome) {
        java.util.Objects.requireNonNull(outcome, "outcome");
        if (!outcome.source().cached() || outcome.entryId() == null) {
            throw new IllegalArgumentException("only an answer served from the cache can be reported wrong; this one came "
                    + "from the model (source " + outcome.source().wireName() + ")");
        }
        if (outcome.source() == CacheSource.SEMANTIC && outcome.question() != null && outcome.matchedQuestion() != null) {
            store.recordNearMiss(outcome.tenant(), outcome.question(), outcome.matchedQuestion());
        }
        store.remove(outcome.tenant(), outcome.entryId());
        metrics.wrongReported();
        if (calibrator != null && outcome.source() == CacheSource.SEMANTIC && outcome.similarity() != null
                && outcome.question() != null) {
            String space = index.spaceOf(outcome.question());
            if (space != null) {
                calibrator.reportWrong(space, outcome.similarity());
            }
        }
    }

    /** Answers waiting for their vector (stored while the embedder or the vector store was down). */
    int indexBacklog() {
        return backlog.size();
    }

    /** A lookup step skipped because its dependency is down and another call is probing it. */
    private static <T> Optional<T> skipped(CacheDependency dependency, Set<CacheDependency> degraded) {
        degraded.add(dependency);
        return Optional.empty();
    }

    /**
     * Runs cache I/O on the executor, waits until {@code deadline} at most, and never throws. A fault or
     * a timeout is charged to the dependency the work was using at that moment ({@code phase}).
     */
    private <T> Optional<T> bounded(String operation, long deadlineNanos, Phase phase, Set<CacheDependency> degraded,
                                    Callable<T> work) {
        long wait = deadlineNanos - System.nanoTime();
        if (wait <= 0) {
            metrics.timeout();
            charge(phase.get(), "timeout", degraded);
            return Optional.empty();
        }
        Future<T> future;
        try {
            future = executor.submit(work);
        } catch (RuntimeException rejected) {
            metrics.fault();
            faults.fault(operation, rejected);
            charge(CacheDependency.CACHE, FaultLog.kind(rejected), degraded);
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(future.get(wait, TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            metrics.timeout();
            CacheDependency slow = phase.get();
            faults.fault(operation + " (" + slow.wireName() + " over the " + lookupOrWrite(operation) + " budget)", e);
            charge(slow, "timeout", degraded);
            return Optional.empty();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            metrics.fault();
            CacheDependency failed = phase.get();
            if (cause instanceof EmbeddingDimensionException) {
                dimensionErrors.once(cause.getMessage());
            } else {
                faults.fault(operation + " (" + failed.wireName() + ")", cause);
            }
            charge(failed, FaultLog.kind(cause), degraded);
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(false);
            return Optional.empty();
        }
    }

    private String lookupOrWrite(String operation) {
        return (operation.contains("lookup") ? lookupTimeout : writeTimeout).toMillis() + " ms";
    }

    private void charge(CacheDependency dependency, String kind, Set<CacheDependency> degraded) {
        guard.failed(dependency, kind);
        synchronized (degraded) {
            degraded.add(dependency);
        }
    }

    /** True once the embedder has answered its first call (or when there is no semantic tier). */
    boolean embedderReady() {
        return index == null || embedderWarm.isDone();
    }

    /** Waits for the embedder's warm-up until {@code deadline} at most; true when it is over. */
    private boolean awaitEmbedder(long deadlineNanos) {
        if (embedderReady()) {
            return true;
        }
        try {
            embedderWarm.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Loads the embedder in the background, so the first calls neither wait for it nor miss the exact tier. */
    private CompletableFuture<Void> warmEmbedder() {
        if (index == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                index.warmUp();
                guard.ok(CacheDependency.EMBEDDER);
            } catch (EmbeddingDimensionException e) {
                metrics.fault();
                guard.failed(CacheDependency.EMBEDDER, e.getClass().getSimpleName());
                dimensionErrors.once(e.getMessage());
            } catch (RuntimeException | Error e) {
                metrics.fault();
                guard.failed(CacheDependency.EMBEDDER, FaultLog.kind(e));
                LOG.warn("PromptCache: the embedder ({}) did not answer at start ({}); the semantic tier is off until "
                        + "it does, the exact tier works meanwhile", index.describeEmbedder(), FaultLog.kind(e));
            } finally {
                done.complete(null);
            }
        }, "promptcache-embedder-warm-up");
        t.setDaemon(true);
        t.start();
        return done;
    }

    /** Where a step is: which dependency a fault or a timeout at this moment is charged to. */
    static final class Phase extends java.util.concurrent.atomic.AtomicReference<CacheDependency> {
        Phase(CacheDependency first) {
            super(first);
        }
    }

    /** What a semantic lookup got as far as, so a timeout can still reuse the embedding for the write. */
    private static final class SemanticProbe {
        final Phase phase = new Phase(CacheDependency.EMBEDDER);
        volatile Embedding embedding;
    }

    /** What storing an answer did. */
    record Stored(boolean stored, Set<CacheDependency> degraded, CompletionStage<?> settled) {
        static final Stored NOT = new Stored(false, Set.of(), CompletableFuture.completedFuture(null));

        Stored(boolean stored, Set<CacheDependency> degraded) {
            this(stored, degraded, CompletableFuture.completedFuture(null));
        }
    }

    /** Stores the answer and says how long that took the caller. */
    record TimedStore(Stored stored, long nanos) {
    }

    TimedStore timedStore(Lookup miss, CacheAnswer response) {
        long start = System.nanoTime();
        Stored stored = store(miss, response);
        return new TimedStore(stored, System.nanoTime() - start);
    }

    /** Tenant, user, scope and cache control of one call, and what its listeners follow of it. */
    record CallContext(String tenant, String user, CacheScope scope, CacheControl control, List<CacheListener.Call> calls) {

        CallContext(String tenant, String user, CacheScope scope, CacheControl control) {
            this(tenant, user, scope, control, List.of());
        }

        /** The model's error, on its way to the caller. */
        void failed(Throwable error) {
            each(c -> c.failed(error));
        }

        /** The caller's thread leaves the call. */
        void leave() {
            each(CacheListener.Call::leave);
        }

        void each(java.util.function.Consumer<CacheListener.Call> action) {
            for (CacheListener.Call c : calls) {
                try {
                    action.accept(c);
                } catch (RuntimeException ignored) {
                    // a listener never fails a call
                }
            }
        }
    }

    /**
     * Result of a lookup: a hit (source and entry set) or a miss carrying what the store step can reuse.
     * {@code degraded} names the dependencies that failed or were skipped; {@code warmingUp} is true when
     * the semantic tier was skipped because the embedder was still loading.
     */
    record Lookup(CallContext context, RequestFingerprint fingerprint, CacheSource source, CacheEntry entry,
                  MatchCandidate match, Embedding embedding, Set<CacheDependency> degraded, boolean warmingUp) {

        static Lookup bypass(CallContext ctx, Set<CacheDependency> degraded) {
            return new Lookup(ctx, null, null, null, null, null, degraded, false);
        }

        static Lookup miss(CallContext ctx, RequestFingerprint fp, Embedding embedding, Set<CacheDependency> degraded,
                           boolean warmingUp) {
            return new Lookup(ctx, fp, null, null, null, embedding, degraded, warmingUp);
        }

        boolean hit() {
            return source != null && entry != null;
        }

        /** The same result for another caller of an identical request (a flight's follower). */
        Lookup withContext(CallContext other) {
            return new Lookup(other, fingerprint, source, entry, match, embedding, degraded, warmingUp);
        }

        /**
         * Single-flight key: identical requests share one model call. A call that must not be served from
         * the cache (no-cache, refresh) does not join another call's answer either.
         */
        String flightKey() {
            return fingerprint == null || !context.control().mayServe() ? null : fingerprint.exactKey();
        }
    }
}
