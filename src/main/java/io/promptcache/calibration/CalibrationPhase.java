package io.promptcache.calibration;

/** Where a vector space's self-calibration stands. */
public enum CalibrationPhase {
    /** Judging candidates; the space serves nothing beyond a threshold the user keeps for its model. */
    SHADOW,
    /** A threshold within the bound is known; hits above it are served and a sample is still judged. */
    SERVING
}
