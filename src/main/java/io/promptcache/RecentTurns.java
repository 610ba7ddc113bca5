package io.promptcache;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Canonical turns this JVM recorded lately, so the next request of a conversation sees its own previous
 * turn even before the store write lands. Bounded, least recently used first out.
 */
final class RecentTurns {

    private final Map<String, String> byKey;

    RecentTurns(int capacity) {
        this.byKey = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized void put(String tenant, String turnKey, String canonicalQuestion) {
        byKey.put(tenant + '\n' + turnKey, canonicalQuestion);
    }

    synchronized String get(String tenant, String turnKey) {
        return byKey.get(tenant + '\n' + turnKey);
    }
}
