package io.promptcache;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.promptcache.redis.RedisCache;
import io.promptcache.redis.RedisConfig;
import io.promptcache.testing.CollectingHandler;
import io.promptcache.testing.RedisProcess;
import io.promptcache.testing.SimulatedDeepSeek;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Canonical conversations: once the cache served an earlier turn for an equivalent question, the
 * conversation is keyed as the one that produced that answer, so its follow-ups hit too; a conversation
 * whose opening was not served from that entry never gets the other's follow-up.
 */
class CanonicalConversationTest {

    static final String SYSTEM = "你是一个乐于助人的助手。";
    static final String FOLLOW_UP = "它有哪些应用？";

    final SimulatedDeepSeek deepSeek = new SimulatedDeepSeek();
    final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        deepSeek.close();
    }

    /** A conversation: each ask sends the whole history, as AiServices with chat memory does. */
    final class Conversation {
        final AbstractCachingModel model;
        final String tenant;
        final List<ChatMessage> history = new ArrayList<>(List.of(SystemMessage.from(SYSTEM)));

        Conversation(AbstractCachingModel model, String tenant) {
            this.model = model;
            this.tenant = tenant;
        }

        CacheSource ask(String question) throws Exception {
            history.add(UserMessage.from(question));
            ChatRequest request = ChatRequest.builder().messages(history).build();
            try (CacheScope scope = CacheScope.open(tenant)) {
                ChatResponse response;
                if (model instanceof CachingChatModel blocking) {
                    response = blocking.chat(request);
                } else {
                    CollectingHandler handler = new CollectingHandler();
                    ((CachingStreamingChatModel) model).chat(request, handler);
                    response = handler.done.get(10, TimeUnit.SECONDS);
                }
                history.add(AiMessage.from(response.aiMessage().text()));
                return scope.lastOutcome().orElseThrow().source();
            }
        }
    }

    CachingChatModel.Builder blocking() {
        return CachingChatModel.builder().delegate(deepSeek.chatModel())
                .lookupTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10));
    }

    @ParameterizedTest
    @ValueSource(strings = {"blocking", "streaming"})
    void aFollowUpAfterAParaphrasedOpeningHits(String entry) throws Exception {
        AbstractCachingModel model = entry.equals("blocking") ? blocking().build()
                : CachingStreamingChatModel.builder().delegate(deepSeek.streamingChatModel())
                .lookupTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10)).build();
        Conversation a = new Conversation(model, "t");
        assertEquals(CacheSource.LLM, a.ask("什么是大模型？"));
        assertEquals(CacheSource.LLM, a.ask(FOLLOW_UP));
        Conversation b = new Conversation(model, "t");
        assertEquals(CacheSource.SEMANTIC, b.ask("大模型是什么？"));
        assertEquals(CacheSource.EXACT, b.ask(FOLLOW_UP), "keyed as the conversation whose answer it was served");
        assertEquals(a.history.get(4), b.history.get(4), "and it got that conversation's follow-up answer");

        Conversation c = new Conversation(model, "t");
        assertEquals(CacheSource.LLM, c.ask("什么是人工智能？"));
        assertEquals(CacheSource.LLM, c.ask(FOLLOW_UP), "another opening never gets the other's follow-up");
    }

    @Test
    void anAnswerTheModelHappenedToRepeatCanonicalisesNothing() throws Exception {
        CachingChatModel model = blocking().build();
        Conversation a = new Conversation(model, "t");
        a.ask("什么是大模型？");
        a.ask(FOLLOW_UP);
        // The same answer text after a paraphrase, but produced by the model, not served by the cache.
        List<ChatMessage> forged = List.of(SystemMessage.from(SYSTEM), UserMessage.from("大模型是什么？"), a.history.get(2),
                UserMessage.from(FOLLOW_UP));
        try (CacheScope scope = CacheScope.open("t")) {
            model.chat(ChatRequest.builder().messages(forged).build());
            assertEquals(CacheSource.LLM, scope.lastOutcome().orElseThrow().source());
        }
    }

    @Test
    void tenantsStayApart() throws Exception {
        CachingChatModel model = blocking().build();
        Conversation a = new Conversation(model, "t");
        a.ask("什么是大模型？");
        a.ask(FOLLOW_UP);
        Conversation otherTenant = new Conversation(model, "u");
        assertEquals(CacheSource.LLM, otherTenant.ask("大模型是什么？"));
        assertEquals(CacheSource.LLM, otherTenant.ask(FOLLOW_UP));
    }

    @Test
    void canonicalConversationsCanBeTurnedOff() throws Exception {
        CachingChatModel model = blocking().canonicalConversations(false).build();
        Conversation a = new Conversation(model, "t");
        a.ask("什么是大模型？");
        a.ask(FOLLOW_UP);
        Conversation b = new Conversation(model, "t");
        assertEquals(CacheSource.SEMANTIC, b.ask("大模型是什么？"));
        assertEquals(CacheSource.LLM, b.ask(FOLLOW_UP));
    }

    @Test
    void onRedisAnotherInstanceSeesTheCanonicalTurnAndAFollowUpCostsOneExtraRoundTrip() throws Exception {
        try (RedisProcess server = RedisProcess.start()) {
            RedisCache first = RedisCache.builder().config(RedisConfig.builder().url(server.url()).build()).dimension(512).build();
            RedisCache second = RedisCache.builder().config(RedisConfig.builder().url(server.url()).build()).dimension(512).build();
            closing.add(first);
            closing.add(second);
            CachingChatModel one = blocking().cacheStore(first.cacheStore()).embeddingStore(first.embeddingStore()).build();
            CachingChatModel two = blocking().cacheStore(second.cacheStore()).embeddingStore(second.embeddingStore()).build();

            Conversation a = new Conversation(one, "t");
            a.ask("什么是大模型？");
            a.ask(FOLLOW_UP);
            Conversation b = new Conversation(one, "t");
            assertEquals(CacheSource.SEMANTIC, b.ask("大模型是什么？"));
            first.cacheStore().flushHits();
            io.promptcache.testing.Await.until(() -> cvKeys(server) == 1, "the canonical turn is written");

            // The same conversation continued through the other instance, which never saw the semantic hit.
            Conversation b2 = new Conversation(two, "t");
            b2.history.addAll(b.history.subList(1, b.history.size()));
            long[] before = commands(server);
            assertEquals(CacheSource.EXACT, b2.ask(FOLLOW_UP));
            long[] after = commands(server);
            assertEquals(1, after[1] - before[1], "one MGET of the turn keys, pipelined with the literal read");
            assertEquals(2, after[0] - before[0], "the literal read and the canonical one: one extra round trip");

            // A conversation with nothing to canonicalise pays nothing: the MGET rides with the read.
            long[] plainBefore = commands(server);
            Conversation a2 = new Conversation(two, "t");
            a2.history.addAll(a.history.subList(1, 3));
            assertEquals(CacheSource.EXACT, a2.ask(FOLLOW_UP));
            long[] plainAfter = commands(server);
            assertEquals(1, plainAfter[0] - plainBefore[0], "one HMGET");
            assertEquals(1, plainAfter[1] - plainBefore[1], "and its MGET in the same pipeline");
        }
    }

    @Test
    void anEnormousOrMalformedAssistantMessageCostsOneReadAndNeverFailsTheCall() throws Exception {
        try (RedisProcess server = RedisProcess.start()) {
            RedisCache redis = RedisCache.builder().config(RedisConfig.builder().url(server.url()).build()).build();
            closing.add(redis);
            CachingChatModel model = blocking().cacheStore(redis.cacheStore()).embeddingStores(redis::embeddingStore).build();
            String enormous = "大模型".repeat(100_000); // 300,000 characters, past any model's context
            for (String answer : new String[]{enormous, "\uD800 broken surrogate \uDFFF", "", " "}) {
                Conversation c = new Conversation(model, "t");
                c.history.add(UserMessage.from("什么是大模型？"));
                c.history.add(AiMessage.from(answer));
                long[] before = commands(server);
                assertEquals(CacheSource.LLM, c.ask(FOLLOW_UP), "answered by the model, whatever the history holds");
                long[] after = commands(server);
                assertEquals(1, after[0] - before[0], "one HMGET");
                assertEquals(1, after[1] - before[1], "one MGET of the turn keys, in the same pipeline");
            }
        }
    }

    static long cvKeys(RedisProcess server) {
        try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis("127.0.0.1", server.port)) {
            return j.scan("0", new redis.clients.jedis.params.ScanParams().match("pc:cv:*").count(1000)).getResult().size();
        }
    }

    /** HMGET and MGET calls so far, from INFO commandstats. */
    static long[] commands(RedisProcess server) {
        try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis("127.0.0.1", server.port)) {
            String info = j.info("commandstats");
            return new long[]{io.promptcache.testing.CommandStats.calls(info, "hmget"), io.promptcache.testing.CommandStats.calls(info, "mget")};
        }
    }
}
