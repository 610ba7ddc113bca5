package io.promptcache.prefix;

import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Running totals of what the provider billed and what both caches saved. Calls that reached the
 * model add their prompt tokens (split into provider-cache hits and misses) and output tokens;
 * answers served from our own cache add the tokens the model would have billed as saved.
 */
public final class CacheAccounting {

    private final ProviderPricing pricing;
    private final LongAdder modelCalls = new LongAdder();
    private final LongAdder cachedCalls = new LongAdder();
    private final LongAdder promptTokens = new LongAdder();
    private final LongAdder providerHitTokens = new LongAdder();
    private final LongAdder providerMissTokens = new LongAdder();
    private final LongAdder outputTokens = new LongAdder();
    private final LongAdder savedPromptTokens = new LongAdder();
    private final LongAdder savedOutputTokens = new LongAdder();

    public CacheAccounting(ProviderPricing pricing) {
        this.pricing = Objects.requireNonNull(pricing, "pricing");
    }

    public ProviderPricing pricing() {
        return pricing;
    }

    /** A call that reached the model. */
    public void modelCall(ProviderCacheUsage usage, Integer inputTokens, Integer output) {
        modelCalls.increment();
        int prompt = usage != null && usage.promptTokens() != null ? usage.promptTokens() : inputTokens == null ? 0 : inputTokens;
        int hit = usage != null && usage.hitTokens() != null ? usage.hitTokens() : 0;
        promptTokens.add(prompt);
        providerHitTokens.add(hit);
        providerMissTokens.add(Math.max(0, prompt - hit));
        outputTokens.add(output == null ? 0 : output);
    }

    /** A call answered from our cache: everything the stored answer cost is saved. */
    public void cacheHit(Integer inputTokens, Integer output) {
        cachedCalls.increment();
        savedPromptTokens.add(inputTokens == null ? 0 : inputTokens);
        savedOutputTokens.add(output == null ? 0 : output);
    }

    public Snapshot snapshot() {
        long prompt = promptTokens.sum();
        long hit = providerHitTokens.sum();
        long miss = providerMissTokens.sum();
        long out = outputTokens.sum();
        long savedPrompt = savedPromptTokens.sum();
        long savedOut = savedOutputTokens.sum();
        double actual = pricing.cost(hit, miss, out);
        double withoutProviderCache = pricing.cost(0, prompt, out);
        double withoutEither = pricing.cost(0, prompt + savedPrompt, out + savedOut);
        return new Snapshot(modelCalls.sum(), cachedCalls.sum(), prompt, hit, miss, out, savedPrompt, savedOut,
                actual, withoutProviderCache, withoutEither);
    }

    /**
     * Totals at one moment. Costs are in the pricing's currency (US dollars by default).
     *
     * @param modelCalls           calls that reached the model
     * @param cachedCalls          calls answered from our cache
     * @param promptTokens         prompt tokens billed
     * @param providerHitTokens    of those, served from the provider's prefix cache
     * @param providerMissTokens   of those, not served from it
     * @param outputTokens         completion tokens billed
     * @param savedPromptTokens    prompt tokens our cache avoided
     * @param savedOutputTokens    completion tokens our cache avoided
     * @param cost                 what was billed
     * @param costWithoutProviderCache what it would have cost with no provider prefix cache
     * @param costWithoutCaches    what it would have cost with neither cache
     */
    public record Snapshot(long modelCalls, long cachedCalls, long promptTokens, long providerHitTokens,
                           long providerMissTokens, long outputTokens, long savedPromptTokens, long savedOutputTokens,
                           double cost, double costWithoutProviderCache, double costWithoutCaches) {

        public double providerHitRatio() {
            return promptTokens == 0 ? 0 : (double) providerHitTokens / promptTokens;
        }

        public double saved() {
            return costWithoutCaches - cost;
        }
    }
}
