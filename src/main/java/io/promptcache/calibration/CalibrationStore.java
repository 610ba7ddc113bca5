package io.promptcache.calibration;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where the self-calibration of each vector space is kept, so every instance of an application serves with
 * the same threshold: the judged pairs (bounded, the newest), the state and the judge-call count. Values are
 * opaque text ({@link JudgedPair#encode()}, {@link CalibrationState#toJson()}); the reader checks them, so a
 * corrupt value is discarded, never trusted. None of them holds user text.
 */
public interface CalibrationStore {

    /** Appends one encoded pair and keeps the newest {@code max}; returns the pairs now held, oldest first. */
    List<String> appendPair(String space, String pair, int max);

    /** Keeps only the newest {@code n} pairs of a space (after a drift: the older ones describe traffic that is gone). */
    void keepNewest(String space, int n);

    /** The encoded pairs held, oldest first. */
    List<String> pairs(String space);

    /** The state's JSON, if one was saved. */
    Optional<String> state(String space);

    void saveState(String space, String stateJson);

    /** Adds to the space's judge-call count and returns the new total (0 adds nothing: reads it). */
    long addJudgeCalls(String space, long calls);

    /** Forgets the space's pairs, state and count: it starts in shadow again. */
    void reset(String space);

    /**
     * Records that an instance calibrates this space, so that {@link #spaces()} lists it (in shadow) before anything
     * was judged in it. Idempotent; a {@link #reset} forgets it until an instance registers it again.
     */
    void register(String space);

    /** The spaces registered or with anything kept. */
    Set<String> spaces();

    /** A store that lives in this JVM only. */
    static CalibrationStore inMemory() {
        return new InMemoryCalibrationStore();
    }
}
