package io.promptcache.prefix;

/**
 * Prices per million tokens, in US dollars. The default is DeepSeek's published price list for
 * {@code deepseek-chat} (input on a cache hit, input on a cache miss, output) as of late 2025; set
 * your own with {@link #of} when it changes or for another provider.
 *
 * @param inputCacheHitPerMillion  price of a million prompt tokens served from the provider's prefix cache
 * @param inputCacheMissPerMillion price of a million prompt tokens not served from it
 * @param outputPerMillion         price of a million completion tokens
 */
public record ProviderPricing(double inputCacheHitPerMillion, double inputCacheMissPerMillion, double outputPerMillion) {

    public static final ProviderPricing DEEPSEEK_CHAT = new ProviderPricing(0.028, 0.28, 0.42);

    public ProviderPricing {
        if (inputCacheHitPerMillion < 0 || inputCacheMissPerMillion < 0 || outputPerMillion < 0) {
            throw new IllegalArgumentException("prices must not be negative");
        }
    }

    public static ProviderPricing of(double inputCacheHitPerMillion, double inputCacheMissPerMillion, double outputPerMillion) {
        return new ProviderPricing(inputCacheHitPerMillion, inputCacheMissPerMillion, outputPerMillion);
    }

    public double cost(long hitTokens, long missTokens, long outputTokens) {
        return (hitTokens * inputCacheHitPerMillion + missTokens * inputCacheMissPerMillion
                + outputTokens * outputPerMillion) / 1_000_000.0;
    }
}
