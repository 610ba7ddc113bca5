package io.promptcache;

import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.promptcache.core.CacheAnswer;
import io.promptcache.langchain4j.LangChain4jConversions;
import io.promptcache.prefix.CacheAccounting;
import io.promptcache.prefix.PromptLayout;
import io.promptcache.prefix.PrefixBreakDetector;
import io.promptcache.store.CacheStore;

/**
 * What the blocking and the streaming caching models share: the engine and its views.
 *
 * <p>{@link #close()} releases what was bound to the model (its meters); it closes neither the store nor
 * the wrapped model, which may serve others. Spring calls it when the application context closes.
 */
public abstract class AbstractCachingModel implements AutoCloseable {

    final CacheEngine engine;
    private final java.util.List<Runnable> closeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    AbstractCachingModel(CachingModelBuilder<?> builder) {
        this.engine = new CacheEngine(builder);
    }

    /**
     * The request as it will be sent: with canonical layout on, system prompts and tools first and byte-stable (the
     * provider's prefix cache), else as the application built it. A layout fault sends the request as built.
     */
    ChatRequest layout(ChatRequest effective) {
        if (!engine.canonicalLayout()) {
            return effective;
        }
        try {
            return PromptLayout.canonical(effective);
        } catch (RuntimeException e) {
            engine.fault("layout", e);
            return effective;
        }
    }

    /** A LangChain4j answer in the engine's model ({@code null} stays {@code null}: nothing came back). */
    static CacheAnswer answerOf(ChatResponse response) {
        return response == null ? null : LangChain4jConversions.answer(response);
    }

    public CacheMetrics metrics() {
        return engine.metrics();
    }

    /** The tenant of a call made outside any {@link CacheScope}. */
    public String defaultTenant() {
        return engine.defaultTenant();
    }

    /** Running totals of tokens billed and saved, and their cost. */
    public CacheAccounting accounting() {
        return engine.accounting();
    }

    /** The prefix-break detector, or {@code null} when turned off. */
    public PrefixBreakDetector prefixBreaks() {
        return engine.prefixBreaks();
    }

    /** The entry store, for listing, stats and invalidation. */
    public CacheStore store() {
        return engine.store();
    }

    /**
     * Reports that an answer served from the cache was wrong. The entry that served it is removed with its
     * vector; for a semantic hit, the two questions are recorded as a near miss of that tenant and are never
     * matched again, in either direction, even after either answer is stored again, until the tenant is
     * forgotten ({@code promptcache feedback export} writes them as labelled pairs). Counted in the metrics.
     *
     * @throws IllegalArgumentException when the outcome was not a hit
     * @throws RuntimeException         when the store cannot be reached: nothing was changed half-way
     *                                  that a retry would not finish
     */
    public void reportWrong(CacheOutcome outcome) {
        engine.reportWrong(outcome);
    }

    /**
     * True while the in-process embedder is still loading: calls use the exact tier only meanwhile
     * ({@link CacheOutcome#warmingUp()} says so per call).
     */
    public boolean warmingUp() {
        return !engine.embedderReady();
    }

    /** The self-calibration of this model's vector spaces, or null when it is off. */
    public io.promptcache.calibration.SelfCalibrator selfCalibrator() {
        return engine.calibrator();
    }

    /** Forgets a tenant: its entries, vectors and everything else the store keeps about it ({@link CacheStore#clearTenant}). */
    public long invalidateTenant(String tenant) {
        return engine.store().clearTenant(tenant);
    }

    /**
     * Runs {@code action} once when this model is closed (at once if it already is); {@code PromptCacheMeters}
     * removes the model's meters this way.
     */
    public void addCloseListener(Runnable action) {
        java.util.Objects.requireNonNull(action, "action");
        closeListeners.add(action);
        if (closed.get() && closeListeners.remove(action)) {
            action.run();
        }
    }

    /**
     * Releases what was bound to this model (its meters, its self-calibration thread). Calls made afterwards still
     * work (a space that was learning stops learning). Idempotent.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            engine.close();
            for (Runnable action : closeListeners) {
                if (closeListeners.remove(action)) {
                    action.run();
                }
            }
        }
    }
}
