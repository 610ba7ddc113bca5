package io.promptcache.redis;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.promptcache.CacheScope;
import io.promptcache.CacheSource;
import io.promptcache.CachingChatModel;
import io.promptcache.embedding.InProcessModel;
import io.promptcache.testing.CommandStats;
import io.promptcache.testing.RedisProcess;
import io.promptcache.testing.SimulatedDeepSeek;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The LOCAL indexes of the in-process default's two vector spaces load with one scan of the prefix, not one each. */
class StartupScanTest {

    static CacheSource ask(CachingChatModel model, String q) {
        try (CacheScope scope = CacheScope.open("acme")) {
            model.chat(ChatRequest.builder().messages(SystemMessage.from("你是助手。"), UserMessage.from(q)).build());
            return scope.lastOutcome().orElseThrow().source();
        }
    }

    @Test
    void bothSpacesLoadFromOneScan() throws Exception {
        try (RedisProcess server = RedisProcess.start(); SimulatedDeepSeek deepSeek = new SimulatedDeepSeek()) {
            RedisConfig config = RedisConfig.builder().url(server.url()).keyPrefix("pcscan").build();
            try (RedisCache first = RedisCache.builder().config(config).mode(RedisEmbeddingStore.Mode.LOCAL).build()) {
                CachingChatModel model = CachingChatModel.builder().delegate(deepSeek.chatModel())
                        .cacheStore(first.cacheStore()).embeddingStores(first::embeddingStore)
                        .lookupTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10)).build();
                for (String q : List.of("什么是大模型？", "如何开通会员", "什么是向量数据库？", "How do I reset my password?",
                        "What is a vector database?")) {
                    assertEquals(CacheSource.LLM, ask(model, q));
                }
            }
            try (Jedis admin = new Jedis("127.0.0.1", server.port)) {
                admin.configResetStat();
            }
            try (RedisCache second = RedisCache.builder().config(config).mode(RedisEmbeddingStore.Mode.LOCAL).build()) {
                RedisEmbeddingStore zh = second.embeddingStore(InProcessModel.BGE_SMALL_ZH);
                RedisEmbeddingStore en = second.embeddingStore(InProcessModel.BGE_SMALL_EN);
                assertEquals(3, zh.localSize(), "the Chinese questions' vectors");
                assertEquals(2, en.localSize(), "the English questions' vectors");
                try (Jedis admin = new Jedis("127.0.0.1", server.port)) {
                    assertEquals(1, CommandStats.calls(admin.info("commandstats"), "scan"), "one SCAN sweep for both spaces");
                }
                CachingChatModel model = CachingChatModel.builder().delegate(deepSeek.chatModel())
                        .cacheStore(second.cacheStore()).embeddingStores(second::embeddingStore)
                        .lookupTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10)).build();
                assertEquals(CacheSource.SEMANTIC, ask(model, "大模型是什么？"));
                assertEquals(CacheSource.SEMANTIC, ask(model, "How can I reset my password?"));
            }
        }
    }
}
