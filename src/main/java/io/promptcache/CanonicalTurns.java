package io.promptcache;

import io.promptcache.key.RequestFingerprint;
import io.promptcache.store.CacheEntry;
import io.promptcache.store.CacheStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Canonical conversations (docs/architecture.md): a semantic hit records that this question, in its literal
 * context, was answered as the stored question; later requests of the conversation read those records back
 * with their exact lookup and are keyed as the conversation whose answers they were served. The records this
 * JVM wrote lately are also kept here, so the conversation's very next request sees its own turn even before
 * the store write lands.
 */
final class CanonicalTurns {

    private static final int RECENT = 10_000;

    private final boolean enabled;
    private final Map<String, String> recent = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > RECENT;
        }
    };

    CanonicalTurns(boolean enabled) {
        this.enabled = enabled;
    }

    /** The exact lookup and the canonical questions of earlier turns (user message index → question). */
    record Read(Optional<CacheEntry> entry, Map<Integer, String> canonical) {
    }

    /** One round trip: the literal exact read with the turns this JVM does not know yet. */
    Read readWithExact(CacheStore store, RequestFingerprint literal, String tenant) {
        Map<Integer, String> canonical = new HashMap<>();
        List<RequestFingerprint.Turn> unknown = new ArrayList<>();
        if (enabled) {
            for (RequestFingerprint.Turn turn : literal.turns()) {
                String known = recent(tenant, turn.key());
                if (known != null) {
                    canonical.put(turn.userIndex(), known);
                } else {
                    unknown.add(turn);
                }
            }
        }
        CacheStore.ExactRead read = store.hitWithTurns(tenant, literal.exactKey(),
                unknown.stream().map(RequestFingerprint.Turn::key).toList());
        for (int i = 0; i < read.canonicalQuestions().size(); i++) {
            String q = read.canonicalQuestions().get(i);
            if (q != null) {
                canonical.put(unknown.get(i).userIndex(), q);
            }
        }
        return new Read(read.entry(), canonical);
    }

    /** After a semantic hit whose stored question differs from the asked one: here at once, in the store in the background. */
    void remember(RequestFingerprint fp, String tenant, CacheEntry served, CacheStore store, Duration ttl, Executor executor,
                  FaultLog faults) {
        if (!enabled || fp.questionJson() == null || served.question() == null
                || served.question().equals(fp.question()) || served.response().text() == null) {
            return;
        }
        String key = fp.turnKey(served.response().text());
        synchronized (recent) {
            recent.put(tenant + '\n' + key, served.question());
        }
        // Should the write fail, this JVM still knows the turn.
        faults.inBackground(executor, "canonical turn",
                () -> store.recordCanonicalTurn(tenant, key, served.question(), served.id(), ttl));
    }

    /** An erased tenant's turns leave this JVM's memory too. */
    void forget(String tenant) {
        String prefix = tenant + '\n';
        synchronized (recent) {
            recent.keySet().removeIf(k -> k.startsWith(prefix));
        }
    }

    private String recent(String tenant, String turnKey) {
        synchronized (recent) {
            return recent.get(tenant + '\n' + turnKey);
        }
    }
}
