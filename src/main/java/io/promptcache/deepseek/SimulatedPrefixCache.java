package io.promptcache.deepseek;

import io.promptcache.prefix.TokenEstimator;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * DeepSeek's context cache on disk, as its documentation describes it (see docs/prefix-cache.md):
 * <ul>
 *   <li>a request stores prefix units ending at the end of the user input and at the end of the model output;</li>
 *   <li>the longest prefix a new request shares with a stored unit becomes a unit of its own;</li>
 *   <li>long inputs are also cut into units every {@link #INTERVAL_TOKENS} tokens;</li>
 *   <li>a later request hits only units it matches completely, and the longest such unit counts;</li>
 *   <li>units shorter than {@link #MIN_UNIT_TOKENS} tokens are not stored;</li>
 *   <li>units expire a configurable time after they were last used.</li>
 * </ul>
 * Prompts are compared as rendered text (tools first, then the messages), so any byte that
 * changes early in the prompt moves every later token out of the cache.
 */
final class SimulatedPrefixCache {

    static final int MIN_UNIT_TOKENS = 64;
    static final int INTERVAL_TOKENS = 512;
    private static final int MAX_UNITS = 50_000;

    private final Map<String, Long> units = new HashMap<>(); // prefix text -> expires at (millis)
    private final TreeSet<Integer> lengths = new TreeSet<>();
    private final Duration ttl;
    private final Clock clock;

    SimulatedPrefixCache(Duration ttl, Clock clock) {
        this.ttl = ttl;
        this.clock = clock;
    }

    /** Prompt tokens served from cache: those of the longest stored unit that is a prefix of {@code prompt}. */
    synchronized int hitTokens(String prompt) {
        long now = clock.millis();
        for (Integer length : lengths.descendingSet()) {
            if (length > prompt.length()) {
                continue;
            }
            String prefix = prompt.substring(0, length);
            Long expires = units.get(prefix);
            if (expires != null && expires > now) {
                units.put(prefix, now + ttl.toMillis());
                return TokenEstimator.count(prefix);
            }
        }
        return 0;
    }

    /** Stores the units of a finished request. */
    synchronized void store(String prompt, String promptWithOutput) {
        long now = clock.millis();
        evictExpired(now);
        // The longest prefix shared with an earlier request becomes a unit of its own.
        String shared = longestSharedPrefix(prompt);
        if (shared != null) {
            add(shared, now);
        }
        int cut = 0;
        long units = 0;
        for (int i = 0; i < prompt.length(); i++) {
            units += TokenEstimator.units(prompt.charAt(i));
            if (units >= (long) (cut + 1) * INTERVAL_TOKENS * TokenEstimator.UNITS_PER_TOKEN) {
                cut++;
                add(prompt.substring(0, i + 1), now);
            }
        }
        add(prompt, now);
        add(promptWithOutput, now);
    }

    synchronized int size() {
        return units.size();
    }

    synchronized void clear() {
        units.clear();
        lengths.clear();
    }

    private String longestSharedPrefix(String prompt) {
        int best = 0;
        for (String unit : units.keySet()) {
            int n = Math.min(unit.length(), prompt.length());
            int i = 0;
            while (i < n && unit.charAt(i) == prompt.charAt(i)) {
                i++;
            }
            if (i > best && i < prompt.length()) {
                best = i;
            }
        }
        return best == 0 ? null : prompt.substring(0, best);
    }

    private void add(String prefix, long now) {
        if (TokenEstimator.count(prefix) < MIN_UNIT_TOKENS || units.size() >= MAX_UNITS) {
            return;
        }
        units.put(prefix, now + ttl.toMillis());
        lengths.add(prefix.length());
    }

    private void evictExpired(long now) {
        List<Integer> gone = new ArrayList<>();
        for (Iterator<Map.Entry<String, Long>> it = units.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Long> e = it.next();
            if (e.getValue() <= now) {
                gone.add(e.getKey().length());
                it.remove();
            }
        }
        if (!gone.isEmpty()) {
            lengths.clear();
            units.keySet().forEach(k -> lengths.add(k.length()));
        }
    }
}
