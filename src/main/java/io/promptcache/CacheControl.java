package io.promptcache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What one call may do with the cache, close to HTTP {@code Cache-Control}. Immutable; combine with
 * {@link #and}. Set it on a {@link CacheScope} for every call in the scope, or for the next call only:
 *
 * <pre>{@code
 * try (CacheScope scope = CacheScope.open("acme", "user-42")) {
 *     scope.controlNextCall(CacheControl.REFRESH);    // ask again and replace the stored answer
 *     assistant.chat("user-42", question);
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link #NO_CACHE}: do not read the cache; the answer is still stored.</li>
 *   <li>{@link #REFRESH}: do not serve from the cache; the entry that would have answered (exact or
 *       semantic) is removed, and the new answer stored in its place.</li>
 *   <li>{@link #NO_STORE}: the cache may answer, but a model answer is never stored.</li>
 *   <li>{@link #EXACT_ONLY}: skip the semantic tier.</li>
 *   <li>{@link #ttl(Duration)}: the stored answer's time to live.</li>
 * </ul>
 */
public final class CacheControl {

    /** Everything allowed: the cache's own configuration decides. */
    public static final CacheControl DEFAULT = new CacheControl(false, false, false, false, null);
    public static final CacheControl NO_CACHE = new CacheControl(true, false, false, false, null);
    public static final CacheControl REFRESH = new CacheControl(false, true, false, false, null);
    public static final CacheControl NO_STORE = new CacheControl(false, false, true, false, null);
    public static final CacheControl EXACT_ONLY = new CacheControl(false, false, false, true, null);

    private final boolean noCache;
    private final boolean refresh;
    private final boolean noStore;
    private final boolean exactOnly;
    private final Duration ttl;

    private CacheControl(boolean noCache, boolean refresh, boolean noStore, boolean exactOnly, Duration ttl) {
        if (refresh && noStore) {
            throw new IllegalArgumentException("refresh replaces the stored answer, no-store forbids storing it: choose one");
        }
        this.noCache = noCache;
        this.refresh = refresh;
        this.noStore = noStore;
        this.exactOnly = exactOnly;
        this.ttl = ttl;
    }

    /** Stores this call's answer with {@code ttl} instead of the cache's default. */
    public static CacheControl ttl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isZero() || ttl.isNegative()) {
            throw new IllegalArgumentException("a per-call TTL must be positive, was " + ttl);
        }
        return new CacheControl(false, false, false, false, ttl);
    }

    /** Both controls: every restriction of either, and the other's TTL when this has none. */
    public CacheControl and(CacheControl other) {
        Objects.requireNonNull(other, "other");
        return new CacheControl(noCache || other.noCache, refresh || other.refresh, noStore || other.noStore,
                exactOnly || other.exactOnly, ttl != null ? ttl : other.ttl);
    }

    /**
     * Parses directives separated by commas or spaces: {@code no-cache}, {@code refresh}, {@code no-store},
     * {@code exact-only}, {@code ttl=DURATION} (ISO-8601, or 90s, 30m, 24h, 7d).
     *
     * @throws IllegalArgumentException naming the directive it does not know
     */
    public static CacheControl parse(String text) {
        Objects.requireNonNull(text, "text");
        CacheControl out = DEFAULT;
        for (String word : text.trim().split("[,\\s]+")) {
            if (word.isEmpty()) {
                continue;
            }
            String w = word.toLowerCase(Locale.ROOT);
            out = out.and(switch (w) {
                case "no-cache", "nocache", "bypass" -> NO_CACHE;
                case "refresh" -> REFRESH;
                case "no-store", "nostore" -> NO_STORE;
                case "exact-only", "exactonly" -> EXACT_ONLY;
                default -> {
                    if (w.startsWith("ttl=")) {
                        yield ttl(Durations.parse(word.substring(4)));
                    }
                    throw new IllegalArgumentException("unknown cache control '" + word
                            + "'; known: no-cache, refresh, no-store, exact-only, ttl=DURATION");
                }
            });
        }
        return out;
    }

    /** False for no-cache and refresh: the answer must come from the model. */
    public boolean mayServe() {
        return !noCache && !refresh;
    }

    public boolean noCache() {
        return noCache;
    }

    public boolean refresh() {
        return refresh;
    }

    public boolean noStore() {
        return noStore;
    }

    public boolean exactOnly() {
        return exactOnly;
    }

    public Optional<Duration> ttl() {
        return Optional.ofNullable(ttl);
    }

    public boolean isDefault() {
        return equals(DEFAULT);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CacheControl c && c.noCache == noCache && c.refresh == refresh && c.noStore == noStore
                && c.exactOnly == exactOnly && Objects.equals(c.ttl, ttl);
    }

    @Override
    public int hashCode() {
        return Objects.hash(noCache, refresh, noStore, exactOnly, ttl);
    }

    /** The directives, as {@link #parse} reads them; {@code default} when there are none. */
    @Override
    public String toString() {
        List<String> words = new ArrayList<>();
        if (noCache) {
            words.add("no-cache");
        }
        if (refresh) {
            words.add("refresh");
        }
        if (noStore) {
            words.add("no-store");
        }
        if (exactOnly) {
            words.add("exact-only");
        }
        if (ttl != null) {
            words.add("ttl=" + ttl);
        }
        return words.isEmpty() ? "default" : String.join(", ", words);
    }
}
