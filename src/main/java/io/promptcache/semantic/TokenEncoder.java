package io.promptcache.semantic;

import io.promptcache.embedding.BgeSmallZhEncoder;

import java.util.LinkedHashMap;
import java.util.Map;

/** Gives the unit token vectors of a text, for {@link TokenAlignmentVerifier}. */
@FunctionalInterface
public interface TokenEncoder {

    float[][] tokens(String text);

    /** The in-process bge-small-zh-v1.5, with the last 1024 texts remembered (a candidate is often checked again). */
    static TokenEncoder inProcess() {
        Map<String, float[][]> recent = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, float[][]> eldest) {
                return size() > 1024;
            }
        };
        return text -> {
            synchronized (recent) {
                float[][] hit = recent.get(text);
                if (hit != null) {
                    return hit;
                }
            }
            float[][] tokens = BgeSmallZhEncoder.shared().encode(text).tokens(); // loads the model on first use
            synchronized (recent) {
                recent.put(text, tokens);
            }
            return tokens;
        };
    }
}
