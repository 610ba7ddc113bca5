package io.promptcache.key;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 as lower-case hex: every key we write is one of these, never raw user text. */
public final class Sha256 {

    private final MessageDigest digest;

    private Sha256() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM ships SHA-256", e);
        }
    }

    private Sha256(MessageDigest digest) {
        this.digest = digest;
    }

    /** An independent digest with the fields fed so far: the digest of a prefix, without feeding it twice. */
    public Sha256 copy() {
        try {
            return new Sha256((MessageDigest) digest.clone());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 can be cloned", e);
        }
    }

    public static String hex(String text) {
        return new Sha256().field(text).hex();
    }

    /** A digest fed field by field. */
    public static Sha256 start() {
        return new Sha256();
    }

    /**
     * Adds one field, length-prefixed, so that no two different field sequences can produce the same
     * byte stream ("ab","c" vs "a","bc"). {@code null} is distinct from every string.
     */
    public Sha256 field(String value) {
        if (value == null) {
            digest.update((byte) 0);
            return this;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        digest.update((byte) 1);
        digest.update(new byte[]{(byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16),
                (byte) (bytes.length >>> 8), (byte) bytes.length});
        digest.update(bytes);
        return this;
    }

    public String hex() {
        return HexFormat.of().formatHex(digest.digest());
    }
}
