package io.promptcache.redis;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Vectors as binary little-endian float32, the layout Redis' vector search reads. */
final class Vectors {

    private Vectors() {
    }

    static byte[] toBytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    static float[] fromBytes(byte[] bytes) {
        if (bytes == null || bytes.length % 4 != 0) {
            throw new IllegalArgumentException("a stored vector must be a multiple of 4 bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[bytes.length / 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.getFloat();
        }
        return v;
    }
}
