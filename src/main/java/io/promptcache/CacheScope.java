package io.promptcache;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Carries the tenant and the user into the model calls made on this thread, and collects what
 * happened to each call. AiServices never passes {@code @MemoryId} to the chat model, so the
 * caller opens a scope around the agent call:
 *
 * <pre>{@code
 * try (CacheScope scope = CacheScope.open("acme", "user-42")) {
 *     String answer = assistant.chat("user-42", question);
 *     CacheSource source = scope.lastOutcome().orElseThrow().source();
 * }
 * }</pre>
 *
 * Scopes nest: closing one restores the one it replaced. Tenant and user ids never appear in a key
 * (keys use their SHA-256) nor in logs. A Redis store does keep the tenant id itself, in the tenant
 * registry and in each entry, so that {@code stats}, {@code entries} and {@code clear} can name tenants;
 * the user id is never stored (docs/redis.md).
 */
public final class CacheScope implements AutoCloseable {

    /** Longest tenant or user id we accept. */
    public static final int MAX_ID_LENGTH = 256;

    private static final ThreadLocal<CacheScope> CURRENT = new ThreadLocal<>();

    private final String tenant;
    private final String user;
    private final CacheScope previous;
    private final List<CacheOutcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    private volatile CacheControl control = CacheControl.DEFAULT;
    private volatile CacheControl nextCall;
    private boolean closed;

    private CacheScope(String tenant, String user, CacheScope previous) {
        this.tenant = tenant;
        this.user = user;
        this.previous = previous;
    }

    /** Opens a scope for a tenant, with no particular user. */
    public static CacheScope open(String tenant) {
        return open(tenant, null);
    }

    /** Opens a scope for a tenant and a user; the user may be {@code null}. */
    public static CacheScope open(String tenant, String user) {
        checkId("tenant", tenant);
        if (user != null) {
            checkId("user", user);
        }
        CacheScope scope = new CacheScope(tenant, user, CURRENT.get());
        CURRENT.set(scope);
        return scope;
    }

    /** Runs {@code work} inside a scope and returns its result. */
    public static <T> T call(String tenant, String user, Supplier<T> work) {
        try (CacheScope ignored = open(tenant, user)) {
            return work.get();
        }
    }

    public static Optional<CacheScope> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    public String tenant() {
        return tenant;
    }

    /** The user, or {@code null}. */
    public String user() {
        return user;
    }

    /** Applies {@code control} to every later call in this scope. */
    public CacheScope control(CacheControl control) {
        this.control = Objects.requireNonNull(control, "control");
        return this;
    }

    /** Applies {@code control} to the next call in this scope only (with the scope's own control). */
    public CacheScope controlNextCall(CacheControl control) {
        this.nextCall = Objects.requireNonNull(control, "control");
        return this;
    }

    /** The control of the scope. */
    public CacheControl control() {
        return control;
    }

    /** The control of the call starting now: the scope's, and the next-call control once. */
    /** True when {@link #controlNextCall} set a control that the next call has not taken yet. */
    boolean hasNextCallControl() {
        return nextCall != null;
    }

    CacheControl takeControl() {
        CacheControl once = nextCall;
        if (once == null) {
            return control;
        }
        nextCall = null;
        return control.and(once);
    }

    /** Outcomes of the calls made inside this scope so far, oldest first. */
    public List<CacheOutcome> outcomes() {
        synchronized (outcomes) {
            return List.copyOf(outcomes);
        }
    }

    public Optional<CacheOutcome> lastOutcome() {
        synchronized (outcomes) {
            return outcomes.isEmpty() ? Optional.empty() : Optional.of(outcomes.get(outcomes.size() - 1));
        }
    }

    /** Forgets the outcomes recorded so far (for example between two turns). */
    public void clearOutcomes() {
        outcomes.clear();
    }

    void record(CacheOutcome outcome) {
        outcomes.add(outcome);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (CURRENT.get() == this) {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /**
     * Checks a tenant or user id as {@link #open} does: not null, not blank, at most {@value #MAX_ID_LENGTH}
     * characters, no control characters.
     *
     * @throws IllegalArgumentException naming what is wrong (a null id: {@link NullPointerException})
     */
    public static void checkId(String what, String id) {
        Objects.requireNonNull(id, what + " id must not be null");
        if (id.isBlank()) {
            throw new IllegalArgumentException(what + " id must not be blank");
        }
        if (id.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException(what + " id is longer than " + MAX_ID_LENGTH + " characters");
        }
        for (int i = 0; i < id.length(); i++) {
            if (Character.isISOControl(id.charAt(i))) {
                throw new IllegalArgumentException(what + " id must not contain control characters");
            }
        }
    }
}
