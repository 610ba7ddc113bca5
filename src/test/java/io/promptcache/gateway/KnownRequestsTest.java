package io.promptcache.gateway;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateway's memory of which entry a body hit: tenants apart, bounded by count and by bytes. */
class KnownRequestsTest {

    private static KnownRequests.Known answer(int bytes) {
        return new KnownRequests.Known("e", ChatResponse.builder().aiMessage(AiMessage.from("a")).build(), new byte[bytes]);
    }

    private static byte[] body(int i) {
        return ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theSameBodyOfTwoTenantsIsTwoKeys() {
        assertNotEquals(KnownRequests.key("acme", body(1)), KnownRequests.key("globex", body(1)));
        assertEquals(KnownRequests.key("acme", body(1)), KnownRequests.key("acme", body(1)));
        // the tenant's length is part of the key: "ab" + "c…" is not "a" + "bc…"
        assertNotEquals(KnownRequests.key("ab", "c".getBytes(StandardCharsets.UTF_8)),
                KnownRequests.key("a", "bc".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void itStaysWithinItsCountAndItsBytesAndForgetsWhatItWeighed() {
        KnownRequests byCount = new KnownRequests(100, Long.MAX_VALUE);
        for (int i = 0; i < 1000; i++) {
            byCount.remember(KnownRequests.key("t", body(i)), answer(10));
        }
        assertTrue(byCount.size() <= 100, "size " + byCount.size());

        KnownRequests byBytes = new KnownRequests(1_000_000, 100_000);
        for (int i = 0; i < 1000; i++) {
            byBytes.remember(KnownRequests.key("t", body(i)), answer(1000));
        }
        assertTrue(byBytes.bytes() <= 100_000, "bytes " + byBytes.bytes());
        assertTrue(byBytes.size() > 10, "it still remembers: " + byBytes.size());

        KnownRequests one = new KnownRequests(10);
        ByteBuffer key = KnownRequests.key("t", body(1));
        one.remember(key, answer(100));
        one.remember(key, answer(300));
        assertEquals(256 + 600, one.bytes(), "a replaced answer is weighed once");
        one.forget(key);
        assertEquals(0, one.bytes());
        assertNull(one.get(key));
        one.remember(key, answer(KnownRequests.MAX_ANSWER_BYTES + 1));
        assertNull(one.get(key), "a large answer is served by the whole call");
    }
}
