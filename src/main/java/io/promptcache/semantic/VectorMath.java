package io.promptcache.semantic;

/** The few vector operations the cache needs, on float arrays. */
public final class VectorMath {

    private VectorMath() {
    }

    /** Dot product, accumulated in double. */
    public static double dot(float[] a, float[] b) {
        double s0 = 0;
        double s1 = 0;
        int i = 0;
        for (; i + 1 < a.length; i += 2) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
        }
        if (i < a.length) {
            s0 += a[i] * b[i];
        }
        return s0 + s1;
    }

    /** A unit-length copy; the zero vector stays zero. */
    public static float[] normalize(float[] v) {
        double norm = Math.sqrt(dot(v, v));
        float[] out = new float[v.length];
        if (norm == 0) {
            return out;
        }
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }
}
