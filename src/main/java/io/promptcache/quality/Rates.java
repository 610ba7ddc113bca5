package io.promptcache.quality;

import java.util.List;

/**
 * The two numbers of a semantic cache on labelled pairs.
 *
 * @param pairs           pairs scored
 * @param nearMisses      label-0 pairs
 * @param nearMissServed  label-0 pairs the cache would answer from the stored question (wrong answers)
 * @param paraphrases     label-1 pairs
 * @param paraphraseServed label-1 pairs the cache would answer (the benefit)
 */
public record Rates(int pairs, int nearMisses, int nearMissServed, int paraphrases, int paraphraseServed) {

    public static Rates of(List<PairFeatures> features, OperatingPoint point) {
        return of(features, space -> point);
    }

    /** With an operating point per vector space, as the in-process default runs (see {@link OperatingPoint#shipped}). */
    public static Rates of(List<PairFeatures> features, java.util.function.Function<String, OperatingPoint> pointOfSpace) {
        int nm = 0;
        int nmServed = 0;
        int para = 0;
        int paraServed = 0;
        for (PairFeatures f : features) {
            boolean served = f.matchable() && pointOfSpace.apply(f.space()).serves(f);
            if (f.same()) {
                para++;
                paraServed += served ? 1 : 0;
            } else {
                nm++;
                nmServed += served ? 1 : 0;
            }
        }
        return new Rates(features.size(), nm, nmServed, para, paraServed);
    }

    public double nearMissAccepted() {
        return nearMisses == 0 ? 0 : (double) nearMissServed / nearMisses;
    }

    public double paraphraseRate() {
        return paraphrases == 0 ? 0 : (double) paraphraseServed / paraphrases;
    }
}
