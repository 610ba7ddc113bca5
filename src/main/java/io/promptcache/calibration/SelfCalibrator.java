package io.promptcache.calibration;

import io.promptcache.semantic.MatchCandidate;
import io.promptcache.semantic.Verdict;
import io.promptcache.semantic.VerifierChain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * Runs the self-calibration of every vector space of one cache. The request path only asks for a space's
 * threshold ({@link #threshold}) and offers its best candidate ({@link #offer}); both are memory reads and a
 * non-blocking hand-off. The verifiers, the judge call, the store round trips and the decision all run on one
 * background thread, at most {@link SelfCalibration#judgeCallsPerHour()} judge calls an hour, and
 * {@link SelfCalibration#maxJudgeCalls()} in all. Every instance reads the shared state every few seconds,
 * so all of them serve a space with the same threshold.
 */
public final class SelfCalibrator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SelfCalibrator.class);
    /** Offers waiting for the background thread; more are dropped (counted), never queued without bound. */
    static final int MAX_QUEUED = 32;
    static final long REFRESH_MILLIS = 5_000;

    /** What the calibrator needs to know of one vector space. */
    public record SpaceInfo(String name, String model, IntSupplier dimension, Double knownThreshold, VerifierChain chain) {
        public SpaceInfo {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(dimension, "dimension");
            Objects.requireNonNull(chain, "chain");
        }
    }

    /** Counts of one space, in this JVM. */
    public static final class Counts {
        final LongAdder same = new LongAdder();
        final LongAdder different = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder rejectedByVerifiers = new LongAdder();
        final LongAdder dropped = new LongAdder();
        final LongAdder reported = new LongAdder();

        /** Judge calls by outcome: same, different, failed (no verdict). */
        public long judgeCalls(String outcome) {
            return switch (outcome) {
                case "same" -> same.sum();
                case "different" -> different.sum();
                case "failed" -> failed.sum();
                default -> 0;
            };
        }

        /** Candidates the verifier chain rejected before any judge call. */
        public long rejectedByVerifiers() {
            return rejectedByVerifiers.sum();
        }

        /** Offers dropped: the queue was full or the hourly budget spent. */
        public long dropped() {
            return dropped.sum();
        }
    }

    private final class Space {
        final SpaceInfo info;
        volatile CalibrationState state;
        final Counts counts = new Counts();

        Space(SpaceInfo info) {
            this.info = info;
            this.state = CalibrationState.shadow(info.model(), -1);
        }
    }

    private final SelfCalibration settings;
    private final CalibrationStore store;
    private final Map<String, Space> spaces;
    private final Clock clock;
    private final ScheduledExecutorService worker;
    private final ExecutorService judgeThread;
    private final AtomicInteger queued = new AtomicInteger();
    private final ArrayDeque<Long> callTimes = new ArrayDeque<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private final java.util.Random sampling; // null: ThreadLocalRandom

    public SelfCalibrator(SelfCalibration settings, CalibrationStore store, List<SpaceInfo> spaces, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        if (settings.judge() == null) {
            throw new IllegalArgumentException("self-calibration needs a judge");
        }
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sampling = settings.samplingSeed().isPresent() ? new java.util.Random(settings.samplingSeed().getAsLong()) : null;
        Map<String, Space> m = new LinkedHashMap<>();
        for (SpaceInfo info : spaces) {
            m.put(info.name(), new Space(info));
        }
        this.spaces = Map.copyOf(m);
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "promptcache-calibration"));
        this.judgeThread = Executors.newCachedThreadPool(r -> daemon(r, "promptcache-judge"));
        worker.execute(this::refresh);
        worker.scheduleWithFixedDelay(this::refresh, REFRESH_MILLIS, REFRESH_MILLIS, TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public SelfCalibration settings() {
        return settings;
    }

    /**
     * The cosine a candidate of this space needs to be served now: the learnt threshold while serving; in
     * shadow the threshold known for the model if one is kept, else +∞ (nothing is served).
     */
    public double threshold(String space) {
        Space s = spaces.get(space);
        if (s == null) {
            return Double.POSITIVE_INFINITY;
        }
        CalibrationState st = s.state;
        if (st.serving()) {
            return st.threshold();
        }
        Double known = s.info.knownThreshold();
        return settings.keepKnownThreshold() && known != null ? known : Double.POSITIVE_INFINITY;
    }

    /**
     * Offers a lookup's best candidate for judging. In shadow, every candidate at or above the floor is taken;
     * once serving, a sample of them. Returns at once; the work, if any, runs in the background.
     */
    public void offer(String space, MatchCandidate best) {
        Space s = spaces.get(space);
        if (s == null || best == null || best.similarity() < settings.floor(space)) {
            return;
        }
        if (s.state.serving() && (sampling == null ? ThreadLocalRandom.current().nextDouble() : sampling.nextDouble())
                >= settings.servingSample()) {
            return;
        }
        if (s.state.judgeCalls() >= settings.maxJudgeCalls()) {
            return; // the total budget is spent: the space keeps what it learnt
        }
        if (!takeHourlyCall()) {
            s.counts.dropped.increment();
            return;
        }
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            s.counts.dropped.increment();
            return;
        }
        try {
            worker.execute(() -> {
                queued.decrementAndGet();
                judge(s, best);
            });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            queued.decrementAndGet();
        }
    }

    /** A served semantic hit reported wrong: a certain wrong pair, counted without a judge call. */
    public void reportWrong(String space, double cosine) {
        Space s = spaces.get(space);
        if (s == null) {
            return;
        }
        s.counts.reported.increment();
        try {
            worker.execute(() -> record(s, JudgedPair.reportedWrong(Math.max(-1, Math.min(1, cosine))), -1));
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // closed: nothing more is learnt
        }
    }

    /** A sliding hour of judge calls: a call is taken only while fewer than the hourly budget were made. */
    private boolean takeHourlyCall() {
        long now = clock.millis();
        synchronized (callTimes) {
            while (!callTimes.isEmpty() && callTimes.peekFirst() <= now - 3_600_000L) {
                callTimes.removeFirst();
            }
            if (callTimes.size() >= settings.judgeCallsPerHour()) {
                return false;
            }
            callTimes.addLast(now);
            return true;
        }
    }

    private void refundHourlyCall() {
        synchronized (callTimes) {
            callTimes.pollLast();
        }
    }

    private void judge(Space s, MatchCandidate candidate) {
        Verdict chain;
        try {
            chain = s.info.chain().verify(candidate);
        } catch (RuntimeException e) {
            chain = Verdict.reject("chain", "verifier failed");
        }
        if (chain == null || !chain.accepted()) {
            s.counts.rejectedByVerifiers.increment(); // never served whatever the threshold: no judge call spent
            refundHourlyCall();
            return;
        }
        Boolean same = callJudge(candidate);
        long total;
        try {
            total = store.addJudgeCalls(s.info.name(), 1);
        } catch (RuntimeException e) {
            total = s.state.judgeCalls() + 1;
            fault("count a judge call", e);
        }
        if (same == null) {
            s.counts.failed.increment();
            s.state = withCalls(s.state, total);
            return;
        }
        (same ? s.counts.same : s.counts.different).increment();
        record(s, JudgedPair.judged(candidate.similarity(), true, same), total);
    }

    private static CalibrationState withCalls(CalibrationState st, long calls) {
        return new CalibrationState(st.model(), st.dimension(), st.phase(), st.threshold(), st.bound(), st.judged(),
                st.judgedWrong(), calls, st.updatedAt());
    }

    /** The judge's verdict within its budget; null for a timeout, an error or an answer that is not a verdict. */
    private Boolean callJudge(MatchCandidate c) {
        CompletableFuture<Boolean> f = CompletableFuture.supplyAsync(
                () -> settings.judge().sameAnswer(c.candidate(), c.query()), judgeThread);
        try {
            return f.get(settings.judgeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.debug("judge failed: {}", e.getCause().toString());
            return null;
        }
    }

    /**
     * Adds a pair to the shared pairs and decides again from all of them.
     *
     * @param judgeCalls the judge-call total the judge path has just counted, or -1 to read it (a reported answer)
     */
    private void record(Space s, JudgedPair pair, long judgeCalls) {
        boolean fromJudge = judgeCalls >= 0;
        String name = s.info.name();
        try {
            List<JudgedPair> pairs = decodeAll(s, store.appendPair(name, pair.encode(), settings.maxPairs()));
            if (pairs == null) {
                return;
            }
            long calls = fromJudge ? judgeCalls : store.addJudgeCalls(name, 0);
            CalibrationState before = s.state;
            // The model and dimension are this instance's own; the phase and threshold the ones it serves with now.
            CalibrationState current = new CalibrationState(s.info.model(), dimensionOf(s), before.phase(), before.threshold(),
                    before.bound(), before.judged(), before.judgedWrong(), before.judgeCalls(), before.updatedAt());
            Calibrator.Step step = Calibrator.next(current, pairs, settings, calls, clock.millis());
            if (step.drifted()) {
                store.keepNewest(name, step.pairs().size());
                LOG.warn("PromptCache self-calibration: space {} changed: its newest {} verdicts break the wrong-share bound "
                        + "at cosine {}; it decides from them alone", name, step.pairs().size(), fmt(before.threshold()));
            }
            CalibrationState after = step.state();
            store.saveState(name, after.toJson());
            s.state = after;
            announce(name, before, after);
        } catch (RuntimeException e) {
            fault(fromJudge ? "record a verdict" : "record a reported wrong answer", e);
        }
    }

    private int dimensionOf(Space s) {
        try {
            return s.info.dimension().getAsInt();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Phase and threshold changes are logged (numbers only): a threshold never moves silently. */
    private static void announce(String space, CalibrationState before, CalibrationState after) {
        if (before.phase() != after.phase()) {
            if (after.serving()) {
                LOG.info("PromptCache self-calibration: space {} serves from cosine {} on (wrong-share bound {}, {} judged pairs)",
                        space, fmt(after.threshold()), fmt(after.bound()), after.judged());
            } else {
                LOG.warn("PromptCache self-calibration: space {} is back in shadow: no threshold keeps the wrong-share bound "
                        + "({} judged pairs, {} wrong)", space, after.judged(), after.judgedWrong());
            }
        } else if (after.serving() && after.threshold() != before.threshold()) {
            LOG.info("PromptCache self-calibration: space {} threshold {} -> {} (wrong-share bound {}, {} judged pairs)", space,
                    fmt(before.threshold()), fmt(after.threshold()), fmt(after.bound()), after.judged());
        }
    }

    private static String fmt(double d) {
        return String.format(java.util.Locale.ROOT, "%.4f", d);
    }

    /** Reads every space's shared state; a state of another model or dimension, or a corrupt one, is discarded. */
    public void refresh() {
        for (Space s : spaces.values()) {
            String name = s.info.name();
            try {
                java.util.Optional<String> json = store.state(name);
                if (json.isEmpty()) {
                    if (s.state.judged() > 0 || s.state.serving()) {
                        s.state = CalibrationState.shadow(s.info.model(), dimensionOf(s)); // reset elsewhere
                    }
                    store.register(name); // so `calibration status` lists a space that has judged nothing yet
                    continue;
                }
                CalibrationState st;
                try {
                    st = CalibrationState.fromJson(json.get());
                } catch (IllegalArgumentException corrupt) {
                    discard(s, "its stored state is not readable (" + corrupt.getMessage() + ")");
                    continue;
                }
                int dim = dimensionOf(s);
                if (!st.model().equals(s.info.model())) {
                    discard(s, "it was learnt for another embedding model");
                    continue;
                }
                if (st.dimension() > 0 && dim > 0 && st.dimension() != dim) {
                    discard(s, "it was learnt for " + st.dimension() + "-dimension vectors, this embedder gives " + dim);
                    continue;
                }
                CalibrationState before = s.state;
                s.state = st;
                announce(name, before, st);
            } catch (RuntimeException e) {
                fault("read the shared state", e);
            }
        }
    }

    private List<JudgedPair> decodeAll(Space s, List<String> raw) {
        List<JudgedPair> out = new ArrayList<>(raw.size());
        for (String r : raw) {
            try {
                out.add(JudgedPair.decode(r));
            } catch (IllegalArgumentException corrupt) {
                discard(s, "a stored judged pair is not readable");
                return null;
            }
        }
        return out;
    }

    /** One WARN per space and reason; the space starts in shadow again. */
    private void discard(Space s, String why) {
        String name = s.info.name();
        if (warned.add(name + "|" + why)) {
            LOG.warn("PromptCache self-calibration: discarded the calibration of space {}: {}; it starts in shadow again",
                    name, why);
        }
        try {
            store.reset(name);
        } catch (RuntimeException e) {
            fault("discard a state", e);
        }
        s.state = CalibrationState.shadow(s.info.model(), dimensionOf(s));
    }

    private void fault(String what, RuntimeException e) {
        if (warned.add("fault|" + what)) {
            LOG.warn("PromptCache self-calibration could not {} ({}); it goes on and retries", what, e.toString());
        } else {
            LOG.debug("self-calibration could not {}: {}", what, e.toString());
        }
    }

    /** Forgets a space's calibration everywhere: it starts in shadow again. */
    public void reset(String space) {
        Space s = spaces.get(space);
        if (s == null) {
            throw new IllegalArgumentException("no vector space named '" + space + "'; spaces: " + spaces.keySet());
        }
        store.reset(space);
        s.state = CalibrationState.shadow(s.info.model(), dimensionOf(s));
        LOG.info("PromptCache self-calibration: space {} reset, back in shadow", space);
    }

    /** The spaces, by name. */
    public Set<String> spaces() {
        return new java.util.TreeSet<>(spaces.keySet());
    }

    /** A space's state as this instance serves it. */
    public CalibrationState state(String space) {
        Space s = spaces.get(space);
        return s == null ? null : s.state;
    }

    /** A space's counts in this JVM. */
    public Counts counts(String space) {
        Space s = spaces.get(space);
        return s == null ? null : s.counts;
    }

    /** Waits until the background thread has done what was handed to it (tests and the demo). */
    public void awaitIdle(java.time.Duration max) throws InterruptedException {
        CompletableFuture<Void> marker = new CompletableFuture<>();
        worker.execute(() -> marker.complete(null));
        try {
            marker.get(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
            throw new IllegalStateException("self-calibration is still busy after " + max, e);
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
        judgeThread.shutdownNow();
    }
}
