package io.promptcache;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import io.promptcache.key.RequestFingerprint;
import io.promptcache.prefix.CacheAccounting;
import io.promptcache.prefix.PrefixBreakDetector;
import io.promptcache.prefix.PromptLayout;
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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
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

    private final CacheStore store;
    private final SemanticIndex index;
    private final VerifierChain verifiers;
    private final double threshold;
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
    private final CacheAccounting accounting;
    private final PrefixBreakDetector prefixBreaks;

    CacheEngine(CachingModelBuilder<?> b) {
        this.store = b.resolveStore();
        this.index = b.resolveIndex();
        this.verifiers = new VerifierChain(b.verifiers);
        this.threshold = b.similarityThreshold;
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
        if (index != null) {
            store.addRemovalListener((tenant, id, cause) -> {
                try {
                    index.remove(tenant, id);
                } catch (RuntimeException e) {
                    faults.fault("index removal", e);
                }
            });
        }
    }

    CacheStore store() {
        return store;
    }

    CacheMetrics metrics() {
        return metrics;
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
        return scope.map(s -> new CallContext(s.tenant(), s.user(), s))
                .orElseGet(() -> new CallContext(defaultTenant, null, null));
    }

    /** The request as it will be sent: canonical layout unless turned off. */
    ChatRequest layout(ChatRequest effective) {
        if (!canonicalLayout) {
            return effective;
        }
        try {
            return PromptLayout.canonical(effective);
        } catch (RuntimeException e) {
            faults.fault("layout", e);
            return effective;
        }
    }

    Lookup lookup(ChatRequest request, CallContext ctx) {
        metrics.request();
        if (prefixBreaks != null) {
            try {
                prefixBreaks.observe(ctx.tenant(), ctx.user(), request);
            } catch (RuntimeException e) {
                faults.fault("prefix check", e);
            }
        }
        RequestFingerprint fp;
        try {
            fp = RequestFingerprint.of(request, ctx.tenant(), perUserIsolation ? ctx.user() : null);
        } catch (RuntimeException e) {
            metrics.fault();
            faults.fault("fingerprint", e);
            return Lookup.bypass(ctx);
        }
        Optional<Lookup> found = bounded("lookup", lookupTimeout, () -> find(fp, ctx));
        return found.orElseGet(() -> new Lookup(ctx, fp, null, null, null, null, true));
    }

    private Lookup find(RequestFingerprint fp, CallContext ctx) {
        Optional<CacheEntry> exact = store.hit(ctx.tenant(), fp.exactKey());
        if (exact.isPresent()) {
            return new Lookup(ctx, fp, CacheSource.EXACT, exact.get(), null, null, false);
        }
        if (index == null || !fp.semanticEligible()) {
            return new Lookup(ctx, fp, null, null, null, null, false);
        }
        Embedding embedding = index.embed(fp.question());
        for (MatchCandidate candidate : index.search(ctx.tenant(), fp.scopeKey(), fp.question(), fp.conversationTurns(), embedding, threshold)) {
            Verdict verdict = verifiers.verify(candidate);
            if (!verdict.accepted()) {
                metrics.rejected(verdict.verifier());
                LOG.debug("semantic candidate rejected by {}: {}", verdict.verifier(), verdict.reason());
                continue;
            }
            Optional<CacheEntry> entry = store.hit(ctx.tenant(), candidate.entryId());
            if (entry.isEmpty()) {
                // Expired, evicted or deleted since it was indexed: forget the vector and look further.
                metrics.staleCandidate();
                index.remove(ctx.tenant(), candidate.entryId());
                continue;
            }
            return new Lookup(ctx, fp, CacheSource.SEMANTIC, entry.get(), candidate, embedding, false);
        }
        return new Lookup(ctx, fp, null, null, null, embedding, false);
    }

    /**
     * Stores a model answer for the lookup that missed. Returns true when it was stored within the
     * write budget; a slower write goes on in the background.
     */
    boolean store(Lookup miss, ChatResponse response) {
        if (miss.fingerprint() == null) {
            return false;
        }
        String why = policy.whyNotCacheable(response);
        if (why != null) {
            metrics.notCacheable();
            LOG.debug("answer not stored: {}", why);
            return false;
        }
        RequestFingerprint fp = miss.fingerprint();
        boolean searchable = index != null && fp.semanticEligible() && !response.aiMessage().hasToolExecutionRequests();
        Optional<Boolean> done = bounded("store", writeTimeout, () -> {
            Embedding embedding = searchable
                    ? (miss.embedding() != null ? miss.embedding() : index.embed(fp.question()))
                    : null;
            long now = clock.millis();
            CacheEntry entry = new CacheEntry(fp.exactKey(), miss.context().tenant(), fp.scopeKey(), fp.question(),
                    StoredResponse.from(response), embedding == null ? null : embedding.vector(), now, now, 0, 0);
            if (embedding != null) {
                index.remove(entry.tenant(), entry.id()); // re-storing the same request must not leave two vectors
            }
            store.put(entry, ttl);
            if (embedding != null) {
                index.add(entry.id(), entry.tenant(), entry.scopeKey(), fp.question(), embedding);
            }
            metrics.stored();
            return true;
        });
        return done.orElse(false);
    }

    /** Records an outcome: accounting, the caller's scope, the listeners. */
    void report(CallContext ctx, CacheOutcome outcome, ChatResponse response) {
        TokenUsage usage = response == null ? null : response.tokenUsage();
        Integer in = usage == null ? null : usage.inputTokenCount();
        Integer out = usage == null ? null : usage.outputTokenCount();
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
    }

    /** Runs cache I/O on the executor, waits at most {@code budget}, and never throws. */
    private <T> Optional<T> bounded(String operation, Duration budget, Callable<T> work) {
        Future<T> future;
        try {
            future = executor.submit(work);
        } catch (RuntimeException rejected) {
            metrics.fault();
            faults.fault(operation, rejected);
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(future.get(budget.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            metrics.timeout();
            faults.fault(operation + " (over " + budget.toMillis() + " ms budget)", e);
            return Optional.empty();
        } catch (ExecutionException e) {
            metrics.fault();
            faults.fault(operation, e.getCause() == null ? e : e.getCause());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(false);
            return Optional.empty();
        }
    }

    /** Tenant, user and scope of one call. */
    record CallContext(String tenant, String user, CacheScope scope) {
    }

    /** Result of a lookup: a hit (source and entry set) or a miss carrying what the store step can reuse. */
    record Lookup(CallContext context, RequestFingerprint fingerprint, CacheSource source, CacheEntry entry,
                  MatchCandidate match, Embedding embedding, boolean degraded) {

        static Lookup bypass(CallContext ctx) {
            return new Lookup(ctx, null, null, null, null, null, true);
        }

        boolean hit() {
            return source != null && entry != null;
        }

        /** Single-flight key: identical requests share one model call. */
        String flightKey() {
            return fingerprint == null ? null : fingerprint.exactKey();
        }
    }
}
