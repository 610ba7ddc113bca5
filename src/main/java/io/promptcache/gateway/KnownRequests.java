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
 * Bounded; when full it forgets an arbitrary tenth.
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

    private final int capacity;
    private final ConcurrentHashMap<ByteBuffer, Known> known = new ConcurrentHashMap<>();

    KnownRequests(int capacity) {
        this.capacity = capacity;
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
        if (known.size() >= capacity) {
            int drop = Math.max(1, capacity / 10);
            for (Iterator<ByteBuffer> it = known.keySet().iterator(); it.hasNext() && drop > 0; drop--) {
                it.next();
                it.remove();
            }
        }
        known.put(key, value);
    }

    void forget(ByteBuffer key) {
        known.remove(key);
    }

    int size() {
        return known.size();
    }
}
