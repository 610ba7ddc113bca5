package io.promptcache.gateway;

import dev.langchain4j.model.chat.response.ChatResponse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which entry an identical request body of a tenant hit last time, so that the next one is served by the entry's id
 * (one store read) without parsing and fingerprinting the body again. It only remembers keys and the encoded answer:
 * the store stays the truth, read on every hit, so an erased, expired or replaced entry is never served from here.
 * Bounded by count and by the bytes its answers take (the encoded tail and the answer object, about twice the tail);
 * when either is reached it forgets an arbitrary tenth.
 */
final class KnownRequests {

    /** Answers larger than this are not kept encoded (they are served by the whole call). */
    static final int MAX_ANSWER_BYTES = 64 * 1024;

    /** What a request body hit: the entry, its answer as served, and the body after id and time. */
    record Known(String entryId, ChatResponse response, byte[] tail) {
    }

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    });

    /** Bytes the remembered answers may take in all. */
    static final long MAX_BYTES = 32L * 1024 * 1024;

    private final int capacity;
    private final long maxBytes;
    private final ConcurrentHashMap<ByteBuffer, Known> known = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();

    KnownRequests(int capacity) {
        this(capacity, MAX_BYTES);
    }

    KnownRequests(int capacity, long maxBytes) {
        this.capacity = capacity;
        this.maxBytes = maxBytes;
    }

    private static long weight(Known k) {
        return 256 + 2L * k.tail().length;
    }

    /** SHA-256 of the tenant and the body as sent: the tenant is part of the key, so tenants never share. */
    static ByteBuffer key(String tenant, byte[] body) {
        MessageDigest sha = SHA256.get();
        sha.reset();
        byte[] t = tenant.getBytes(StandardCharsets.UTF_8);
        sha.update(ByteBuffer.allocate(4).putInt(t.length).array());
        sha.update(t);
        sha.update(body);
        return ByteBuffer.wrap(sha.digest());
    }

    Known get(ByteBuffer key) {
        return known.get(key);
    }

    void remember(ByteBuffer key, Known value) {
        Objects.requireNonNull(value, "value");
        if (value.tail().length > MAX_ANSWER_BYTES || capacity == 0) {
            return;
        }
        if (known.size() >= capacity || bytes.get() + weight(value) > maxBytes) {
            int drop = Math.max(1, known.size() / 10);
            for (Iterator<ByteBuffer> it = known.keySet().iterator(); it.hasNext() && drop > 0; drop--) {
                forget(it.next());
            }
        }
        Known previous = known.put(key, value);
        bytes.addAndGet(weight(value) - (previous == null ? 0 : weight(previous)));
    }

    void forget(ByteBuffer key) {
        Known gone = known.remove(key);
        if (gone != null) {
            bytes.addAndGet(-weight(gone));
        }
    }

    /** Bytes the remembered answers take, as weighed. */
    long bytes() {
        return bytes.get();
    }

    int size() {
        return known.size();
    }
}
