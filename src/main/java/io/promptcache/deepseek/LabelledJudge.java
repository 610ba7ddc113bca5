package io.promptcache.deepseek;

import io.promptcache.quality.LabelledPair;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A judge that follows the labels of a pairs file, in either order of the two questions, and cannot tell for
 * a pair the file does not hold. With {@link DeepSeekSimulator.Builder#judge} it lets the offline demo calibrate.
 */
public final class LabelledJudge implements BiFunction<String, String, Boolean> {

    private final Map<String, Boolean> labels = new HashMap<>();

    public LabelledJudge(List<LabelledPair> pairs) {
        for (LabelledPair p : pairs) {
            labels.put(key(p.stored(), p.asked()), p.same());
            labels.putIfAbsent(key(p.asked(), p.stored()), p.same());
        }
    }

    private static String key(String a, String b) {
        return a.strip() + "\u0000" + b.strip();
    }

    @Override
    public Boolean apply(String stored, String asked) {
        return labels.get(key(stored, asked));
    }

    public int size() {
        return labels.size();
    }
}
