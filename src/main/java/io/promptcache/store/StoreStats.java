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

    /** The figures as an ordered map, for a JSON report (the Actuator endpoint, the gateway's {@code /admin/stats}). */
    public java.util.Map<String, Object> asMap() {
        java.util.Map<String, Object> t = new java.util.LinkedHashMap<>();
        t.put("tenant", tenant);
        t.put("entries", entries);
        t.put("hits", hits);
        t.put("memoryBytes", memoryBytes);
        return t;
    }
}
