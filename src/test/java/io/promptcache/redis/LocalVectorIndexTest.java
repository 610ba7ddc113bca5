package io.promptcache.redis;

import io.promptcache.semantic.VectorMath;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The LOCAL index's candidate steps keep the near duplicates a cache serves, also in a partition of 250,000. */
class LocalVectorIndexTest {

    static final int DIM = 16;

    @Test
    void aLargePartitionStillFindsEveryNearDuplicate() {
        LocalVectorIndex index = new LocalVectorIndex(DIM);
        Random random = new Random(42);
        int n = 250_000; // above the size where the first pass reads one signature word
        float[][] stored = new float[n][];
        for (int i = 0; i < n; i++) {
            stored[i] = gaussian(random);
            index.add("t:e" + i, "scope", null, null, stored[i]);
        }
        for (int k = 0; k < 50; k++) {
            int target = random.nextInt(n);
            float[] query = stored[target].clone();
            float[] noise = gaussian(random);
            double norm = Math.sqrt(VectorMath.dot(query, query));
            for (int d = 0; d < DIM; d++) {
                query[d] += (float) (0.2 * norm * noise[d] / Math.sqrt(VectorMath.dot(noise, noise)));
            }
            List<LocalVectorIndex.Hit> hits = index.search(query, "scope", null, 1, 0);
            assertEquals("t:e" + target, hits.get(0).item().id(), "query " + k + " (cosine about 0.98 to its source)");
        }
    }

    private static float[] gaussian(Random random) {
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            v[d] = (float) random.nextGaussian();
        }
        return v;
    }
}
