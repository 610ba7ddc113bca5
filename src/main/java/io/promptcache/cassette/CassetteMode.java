package io.promptcache.cassette;

import java.util.Locale;
import java.util.Map;

/**
 * What a cassette model does with a request.
 *
 * <p>The mode given to a builder can be overridden without touching code, so a developer re-records with one
 * flag and CI replays: the system property {@value #PROPERTY}, else the environment variable {@value #ENVIRONMENT}.
 * A cassette without a model only replays, whatever they say.
 */
public enum CassetteMode {
    /** Answers from recordings only and never calls the model; a request with no recording throws {@link CassetteMissException}. */
    REPLAY,
    /** Calls the model for every request and writes its answer, replacing a recording of the same request. */
    RECORD,
    /** Replays what is recorded and records the rest. */
    RECORD_MISSING;

    public static final String PROPERTY = "promptcache.cassette.mode";
    public static final String ENVIRONMENT = "PROMPTCACHE_CASSETTE_MODE";

    /** The mode in force: the system property, else the environment variable, else {@code configured}. */
    public static CassetteMode resolve(CassetteMode configured) {
        return resolve(configured, System.getProperty(PROPERTY), System.getenv());
    }

    static CassetteMode resolve(CassetteMode configured, String property, Map<String, String> env) {
        String chosen = property != null && !property.isBlank() ? property : env.get(ENVIRONMENT);
        if (chosen == null || chosen.isBlank()) {
            return configured;
        }
        try {
            return valueOf(chosen.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException((property != null && !property.isBlank() ? "-D" + PROPERTY : ENVIRONMENT)
                    + " must be replay, record or record_missing, was '" + chosen + "'", e);
        }
    }
}
