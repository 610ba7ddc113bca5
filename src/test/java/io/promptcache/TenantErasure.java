package io.promptcache;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.promptcache.redis.RedisKeys;
import io.promptcache.store.CacheStore;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.StreamEntry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writes a tenant's data through every feature of the cache (exact and semantic hits, a follow-up after a
 * served paraphrase, a wrong-answer report and so a feedback pair), then erases the tenant, and checks
 * from the outside that nothing of it remains and that another tenant's entries still hit. Shared by the
 * memory, Redis (LOCAL and SERVER) and Redis Cluster tests.
 */
public final class TenantErasure {

    public static final String VICTIM = "acme-erased";
    public static final String SURVIVOR = "globex-kept";
    /** Every question the victim asks: none may be found anywhere after the erasure. */
    /** The survivor's own question (none of the victim's, so the scan tells the two apart). */
    public static final String SURVIVOR_QUESTION = "什么是向量数据库？";
    public static final List<String> QUESTIONS = List.of("什么是大模型？", "大模型是什么？", "它有哪些应用？",
            "How do I reset my password?", "How can I reset my password?");

    private TenantErasure() {
    }

    public static CacheOutcome ask(CachingChatModel model, String tenant, ChatMessage... turns) {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from("你是一个简洁的助手。"));
        messages.addAll(List.of(turns));
        try (CacheScope scope = CacheScope.open(tenant)) {
            model.chat(ChatRequest.builder().messages(messages).build());
            return scope.lastOutcome().orElseThrow();
        }
    }

    static String answer(CachingChatModel model, String tenant, String question) {
        try (CacheScope scope = CacheScope.open(tenant)) {
            ChatResponse r = model.chat(ChatRequest.builder()
                    .messages(SystemMessage.from("你是一个简洁的助手。"), UserMessage.from(question)).build());
            return r.aiMessage().text();
        }
    }

    /**
     * Fills both tenants through {@code model}. {@code semanticReady} waits until the vector index can find
     * what was just stored (a LOCAL index follows Redis in the background).
     */
    public static void writeEverything(CachingChatModel model, Runnable semanticReady) {
        String opening = QUESTIONS.get(0);
        String paraphrase = QUESTIONS.get(1);
        String followUp = QUESTIONS.get(2);
        String first = answer(model, VICTIM, opening);                                           // llm
        assertEquals(CacheSource.EXACT, ask(model, VICTIM, UserMessage.from(opening)).source());
        ask(model, VICTIM, UserMessage.from(opening), AiMessage.from(first), UserMessage.from(followUp)); // llm
        semanticReady.run();
        CacheOutcome served = ask(model, VICTIM, UserMessage.from(paraphrase));
        assertEquals(CacheSource.SEMANTIC, served.source(), "the paraphrase is served");
        // The follow-up after the served paraphrase is keyed as the opening's conversation: a canonical turn.
        CacheOutcome follow = ask(model, VICTIM, UserMessage.from(paraphrase), AiMessage.from(first), UserMessage.from(followUp));
        assertEquals(CacheSource.EXACT, follow.source(), "the follow-up after a served paraphrase hits");

        answer(model, VICTIM, QUESTIONS.get(3));
        semanticReady.run();
        CacheOutcome wrong = ask(model, VICTIM, UserMessage.from(QUESTIONS.get(4)));
        assertEquals(CacheSource.SEMANTIC, wrong.source());
        model.reportWrong(wrong);                                                                 // a feedback pair
        assertFalse(model.store().nearMisses(VICTIM, 10).isEmpty());

        answer(model, SURVIVOR, SURVIVOR_QUESTION);
        assertEquals(CacheSource.EXACT, ask(model, SURVIVOR, UserMessage.from(SURVIVOR_QUESTION)).source());
    }

    /** After the erasure: the victim starts afresh, the survivor still hits, and the store knows nothing of the victim. */
    public static void checkAfterErasure(CachingChatModel model, CacheStore store) {
        assertFalse(store.tenants().contains(VICTIM));
        assertTrue(store.nearMisses(VICTIM, 10).isEmpty(), "feedback pairs and vetoes are gone");
        assertEquals(0, store.stats(VICTIM).entries());
        assertEquals(CacheSource.EXACT, ask(model, SURVIVOR, UserMessage.from(SURVIVOR_QUESTION)).source(),
                "another tenant's entries still hit");
        assertEquals(CacheSource.LLM, ask(model, VICTIM, UserMessage.from(QUESTIONS.get(1))).source(),
                "nothing of the erased tenant is served");
    }

    /** Every key under the prefix, by SCAN, and every value in it: none may name the victim or hold its questions. */
    public static void scanForLeftovers(UnifiedJedis jedis, String prefix, boolean expectLeftovers) {
        String tag = RedisKeys.tenantTag(VICTIM);
        List<String> found = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams params = new ScanParams().match(prefix + ":*").count(1000);
        do {
            ScanResult<String> page = jedis.scan(cursor, params);
            for (String key : page.getResult()) {
                if (key.contains(tag)) {
                    found.add("key " + key);
                }
                for (String value : values(jedis, key)) {
                    if (value.contains(VICTIM)) {
                        found.add("tenant id in " + key);
                    }
                    for (String q : QUESTIONS) {
                        if (value.contains(q)) {
                            found.add("question '" + q + "' in " + key);
                        }
                    }
                }
            }
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        if (expectLeftovers) {
            assertFalse(found.isEmpty(), "before the erasure the scan finds the tenant's data (the check can fail)");
        } else {
            assertTrue(found.isEmpty(), "left after erasure: " + found);
        }
    }

    /** Every key under the prefix, by SCAN, followed by every value in it: what a scan of the database can find. */
    public static List<String> everyKeyAndValue(UnifiedJedis jedis, String prefix) {
        List<String> found = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams params = new ScanParams().match(prefix + ":*").count(1000);
        do {
            ScanResult<String> page = jedis.scan(cursor, params);
            for (String key : page.getResult()) {
                found.add(key);
                found.addAll(values(jedis, key));
            }
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        return found;
    }

    private static List<String> values(UnifiedJedis jedis, String key) {
        List<String> out = new ArrayList<>();
        switch (jedis.type(key)) {
            case "string" -> out.add(text(jedis.get(key.getBytes(StandardCharsets.UTF_8))));
            case "hash" -> jedis.hgetAll(key.getBytes(StandardCharsets.UTF_8)).forEach((f, v) -> {
                out.add(text(f));
                out.add(text(v));
            });
            case "zset" -> out.addAll(jedis.zrange(key, 0, -1));
            case "set" -> out.addAll(jedis.smembers(key));
            case "list" -> out.addAll(jedis.lrange(key, 0, -1));
            case "stream" -> {
                for (StreamEntry e : jedis.xrange(key, "-", "+", 100_000)) {
                    for (Map.Entry<String, String> f : e.getFields().entrySet()) {
                        out.add(f.getKey());
                        out.add(f.getValue());
                    }
                }
            }
            default -> {
            }
        }
        return out;
    }

    private static String text(byte[] b) {
        return b == null ? "" : new String(b, StandardCharsets.UTF_8);
    }
}
