package io.promptcache.store;

/**
 * Per-tenant figures of a store.
 *
 * @param tenant      tenant id
 * @param entries     live entries
 * @param hits        hits served from live entries
 * @param memoryBytes approximate memory the entries take, as the store can measure it
 */
public record StoreStats(String tenant, long entries, long hits, long memoryBytes) {
}
