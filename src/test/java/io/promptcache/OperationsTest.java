package io.promptcache;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.promptcache.quality.LabelledPair;
import io.promptcache.redis.RedisCache;
import io.promptcache.store.CacheEntry;
import io.promptcache.store.CacheStore;
import io.promptcache.store.InMemoryCacheStore;
import io.promptcache.store.NearMiss;
import io.promptcache.testing.CollectingHandler;
import io.promptcache.testing.MovableClock;
import io.promptcache.testing.SimulatedDeepSeek;
import io.promptcache.testing.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An operator's controls, on the in-memory store and on Redis: per-call cache control, reporting a wrong
 * answer (and the veto that follows), the freshness policy, and fixed and sliding TTLs.
 */
class OperationsTest {

    static final String SYSTEM = "你是一个乐于助人的助手。";

    final SimulatedDeepSeek deepSeek = new SimulatedDeepSeek();
    final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        deepSeek.close();
    }

    CachingChatModel.Builder cache(String store) {
        CachingChatModel.Builder b = CachingChatModel.builder().delegate(deepSeek.chatModel())
                .lookupTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10));
        if (store.equals("redis")) {
            String prefix = TestRedis.prefix();
            RedisCache redis = RedisCache.builder().config(TestRedis.config(prefix)).dimension(512).build();
            closing.add(() -> {
                TestRedis.clean(redis.client(), prefix);
                redis.close();
            });
            b.cacheStore(redis.cacheStore()).embeddingStore(redis.embeddingStore());
        }
        return b;
    }

    static ChatRequest ask(String question) {
        return ChatRequest.builder().messages(SystemMessage.from(SYSTEM), UserMessage.from(question)).build();
    }

    static CacheOutcome call(CachingChatModel model, String question, CacheControl control) {
        try (CacheScope scope = CacheScope.open("ops").control(control)) {
            model.chat(ask(question));
            return scope.lastOutcome().orElseThrow();
        }
    }

    static CacheOutcome call(CachingChatModel model, String question) {
        return call(model, question, CacheControl.DEFAULT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "redis"})
    void noCacheReadsNothingButStores(String store) {
        CachingChatModel model = cache(store).build();
        assertEquals(CacheSource.LLM, call(model, "什么是大模型？").source());
        CacheOutcome bypass = call(model, "什么是大模型？", CacheControl.NO_CACHE);
        assertEquals(CacheSource.LLM, bypass.source());
        assertEquals(CacheControl.NO_CACHE, bypass.control(), "the outcome records the control");
        assertTrue(bypass.stored());
        assertEquals(CacheSource.EXACT, call(model, "什么是大模型？").source());
        assertEquals(2, deepSeek.calls());
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "redis"})
    void refreshReplacesTheEntryThatWouldHaveAnswered(String store) {
        CachingChatModel model = cache(store).build();
        CacheOutcome first = call(model, "什么是大模型？");
        assertEquals(CacheSource.SEMANTIC, call(model, "大模型是什么？").source());
        CacheOutcome refreshed = call(model, "大模型是什么？", CacheControl.REFRESH);
        assertEquals(CacheSource.LLM, refreshed.source());
        assertTrue(refreshed.stored());
        assertTrue(model.store().peek("ops", first.entryId()).isEmpty(), "the semantic neighbour that answered is gone");
        assertEquals(CacheSource.EXACT, call(model, "大模型是什么？").source(), "the new answer serves from now on");
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "redis"})
    void noStoreMayReadButNeverStores(String store) {
        CachingChatModel model = cache(store).build();
        CacheOutcome o = call(model, "什么是向量数据库？", CacheControl.NO_STORE);
        assertFalse(o.stored());
        assertEquals(CacheSource.LLM, call(model, "什么是向量数据库？").source());
        assertEquals(CacheSource.EXACT, call(model, "什么是向量数据库？", CacheControl.NO_STORE).source(), "reading is allowed");
        assertEquals(1L, model.metrics().snapshot().notStored().get("no_store"));
    }

    @Test
    void exactOnlySkipsTheSemanticTierAndAPerCallTtlApplies() {
        CachingChatModel model = cache("memory").build();
        call(model, "什么是大模型？");
        assertEquals(CacheSource.LLM, call(model, "大模型是什么？", CacheControl.EXACT_ONLY).source());
        long before = System.currentTimeMillis();
        CacheOutcome o = call(model, "什么是知识图谱？", CacheControl.ttl(Duration.ofMinutes(5)));
        CacheEntry e = model.store().peek("ops", o.entryId()).orElseThrow();
        assertTrue(e.expiresAt() >= before + 290_000 && e.expiresAt() <= System.currentTimeMillis() + 300_000, e.toString());
    }

    @Test
    void aControlForTheNextCallAppliesOnce() {
        CachingChatModel model = cache("memory").build();
        call(model, "什么是大模型？");
        try (CacheScope scope = CacheScope.open("ops")) {
            scope.controlNextCall(CacheControl.NO_CACHE);
            model.chat(ask("什么是大模型？"));
            assertEquals(CacheSource.LLM, scope.lastOutcome().orElseThrow().source());
            model.chat(ask("什么是大模型？"));
            assertEquals(CacheSource.EXACT, scope.lastOutcome().orElseThrow().source());
        }
    }

    @Test
    void streamingHonoursTheControls() throws Exception {
        CachingStreamingChatModel model = CachingStreamingChatModel.builder().delegate(deepSeek.streamingChatModel())
                .lookupTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10)).build();
        List<CacheOutcome> outcomes = new ArrayList<>();
        for (CacheControl c : List.of(CacheControl.NO_STORE, CacheControl.DEFAULT, CacheControl.NO_CACHE, CacheControl.DEFAULT)) {
            try (CacheScope scope = CacheScope.open("ops").control(c)) {
                CollectingHandler handler = new CollectingHandler();
                model.chat(ask("什么是大模型？"), handler);
                handler.done.get(10, TimeUnit.SECONDS);
                outcomes.add(scope.lastOutcome().orElseThrow());
            }
        }
        assertEquals(List.of(CacheSource.LLM, CacheSource.LLM, CacheSource.LLM, CacheSource.EXACT),
                outcomes.stream().map(CacheOutcome::source).toList());
        assertFalse(outcomes.get(0).stored());
        assertEquals(CacheControl.NO_CACHE, outcomes.get(2).control());
    }

    @Test
    void controlsAreParsedAndCheckedAtTheBoundary() {
        assertEquals(CacheControl.NO_CACHE.and(CacheControl.ttl(Duration.ofMinutes(30))), CacheControl.parse("no-cache, ttl=30m"));
        assertEquals("no-store, exact-only", CacheControl.parse("no-store exact-only").toString());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> CacheControl.parse("no-cahce"));
        assertTrue(unknown.getMessage().contains("no-cahce") && unknown.getMessage().contains("known:"));
        assertThrows(IllegalArgumentException.class, () -> CacheControl.ttl(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> CacheControl.ttl(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> CacheControl.parse("ttl=soon"));
        assertThrows(IllegalArgumentException.class, () -> CacheControl.REFRESH.and(CacheControl.NO_STORE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "redis"})
    void aReportedNearMissIsNeverServedAgainInEitherDirection(String store) {
        CachingChatModel model = cache(store).build();
        call(model, "什么是大模型？");
        CacheOutcome served = call(model, "大模型是什么？");
        assertEquals(CacheSource.SEMANTIC, served.source());
        model.reportWrong(served);
        assertEquals(1, model.metrics().snapshot().wrongReports());

        assertEquals(CacheSource.LLM, call(model, "大模型是什么？").source(), "the entry that served it is gone");
        assertEquals(CacheSource.LLM, call(model, "什么是大模型？").source(), "the veto holds the other way, after re-storing");
        assertEquals(CacheSource.LLM, call(model, "什么是大模型？", CacheControl.NO_CACHE).source());
        assertEquals(CacheSource.EXACT, call(model, "大模型是什么？").source(), "exact hits are not vetoed");
        assertTrue(model.metrics().snapshot().rejections().getOrDefault(CacheEngine.FEEDBACK_VETO, 0L) >= 1);
        List<NearMiss> misses = model.store().nearMisses("ops", 10);
        assertEquals(1, misses.size());
        assertEquals("大模型是什么？\t什么是大模型？\t0", misses.get(0).toLabelledPair());
    }

    @Test
    void onlyAHitCanBeReportedWrong() {
        CachingChatModel model = cache("memory").build();
        CacheOutcome fromModel = call(model, "什么是大模型？");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.reportWrong(fromModel));
        assertTrue(e.getMessage().contains("came from the model"));
        assertEquals(CacheSource.EXACT, call(model, "什么是大模型？").source(), "nothing was removed");
    }

    @Test
    void exportedNearMissesReadBackAsLabelledPairs(@TempDir Path dir) throws Exception {
        CacheStore store = InMemoryCacheStore.builder().build();
        store.recordNearMiss("t", "如何开通会员", "如何取消会员");
        store.recordNearMiss("t", "包含\t制表符的问题", "另一个\n问题");
        Path file = dir.resolve("feedback.tsv");
        Files.write(file, store.nearMisses("t", 10).stream().map(NearMiss::toLabelledPair).toList());
        List<LabelledPair> pairs = LabelledPair.read(file);
        assertEquals(2, pairs.size());
        assertTrue(pairs.stream().noneMatch(LabelledPair::same), "every reported pair is a near miss (label 0)");
        assertEquals("如何开通会员", pairs.get(0).stored());
        assertEquals("包含 制表符的问题", pairs.get(1).stored());
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "redis"})
    void timeSensitiveQuestionsAreNotStoredByDefault(String store) {
        CachingChatModel model = cache(store).build();
        assertEquals(CacheSource.LLM, call(model, "最新的iPhone是哪一款？").source());
        assertEquals(CacheSource.LLM, call(model, "最新的iPhone是哪一款？").source());
        assertEquals(2L, model.metrics().snapshot().notStored().get("time_sensitive"));
    }

    @Test
    void timeSensitiveAnswersCanBeKeptBriefly() {
        CachingChatModel shortLived = cache("memory").freshness(FreshnessPolicy.shortTtl(Duration.ofMinutes(2))).build();
        CacheOutcome o = call(shortLived, "今天北京天气怎么样？");
        assertTrue(o.stored());
        CacheEntry e = shortLived.store().peek("ops", o.entryId()).orElseThrow();
        assertTrue(e.expiresAt() - e.createdAt() <= Duration.ofMinutes(2).toMillis() + 1000, e.toString());
        CachingChatModel ignoring = cache("memory").freshness(FreshnessPolicy.IGNORE).build();
        call(ignoring, "最新的iPhone是哪一款？");
        assertEquals(CacheSource.EXACT, call(ignoring, "最新的iPhone是哪一款？").source());
    }

    @Test
    void aFixedTtlCountsFromCreationAndASlidingOneFromTheLastHitUnderTheMaximumAge() throws Exception {
        for (TtlMode mode : TtlMode.values()) {
            MovableClock clock = new MovableClock();
            CachingChatModel model = cache("memory").clock(clock).ttl(Duration.ofMinutes(10)).ttlMode(mode)
                    .maxAge(Duration.ofMinutes(25)).executor(new DirectExecutor()).build();
            call(model, "什么是大模型？");
            List<CacheSource> sources = new ArrayList<>();
            for (int minute = 8; minute <= 32; minute += 8) { // hits at 8, 16, 24 and 32 minutes
                clock.millis += Duration.ofMinutes(8).toMillis();
                sources.add(call(model, "什么是大模型？").source());
            }
            List<CacheSource> expected = mode == TtlMode.FIXED
                    ? List.of(CacheSource.EXACT, CacheSource.LLM, CacheSource.EXACT, CacheSource.LLM)
                    : List.of(CacheSource.EXACT, CacheSource.EXACT, CacheSource.EXACT, CacheSource.LLM);
            assertEquals(expected, sources, mode + ": fixed expires 10 minutes after each store (at 16 and 32 minutes the answer is asked anew); "
                    + "sliding lives while used, "
                    + "but not past 25 minutes");
        }
    }

    @Test
    void aTimeSensitiveAnswerKeptBrieflyDoesNotSlide() {
        MovableClock clock = new MovableClock();
        CachingChatModel model = cache("memory").clock(clock).ttl(Duration.ofMinutes(60)).ttlMode(TtlMode.SLIDING)
                .freshness(FreshnessPolicy.shortTtl(Duration.ofMinutes(5))).executor(new DirectExecutor()).build();
        call(model, "今天北京天气怎么样？");
        clock.millis += Duration.ofMinutes(4).toMillis();
        assertEquals(CacheSource.EXACT, call(model, "今天北京天气怎么样？").source());
        clock.millis += Duration.ofMinutes(2).toMillis();
        assertEquals(CacheSource.LLM, call(model, "今天北京天气怎么样？").source(),
                "kept for its 5 minutes, not slid to another hour by the hit");
    }

    /** Runs the cache's background work on the calling thread, so the sliding write is done when the call returns. */
    static final class DirectExecutor extends java.util.concurrent.AbstractExecutorService {
        private volatile boolean shutdown;

        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }

    @Test
    void aSlidingTtlExtendsARedisEntry() throws Exception {
        CachingChatModel model = cache("redis").ttl(Duration.ofMillis(1500)).ttlMode(TtlMode.SLIDING)
                .maxAge(Duration.ofMinutes(1)).build();
        call(model, "什么是大模型？");
        for (int i = 0; i < 4; i++) { // 4 × 0.7 s: well past the 1.5 s TTL, never 1.5 s without a hit
            Thread.sleep(700);
            assertEquals(CacheSource.EXACT, call(model, "什么是大模型？").source(), "hit " + i);
        }
        CachingChatModel fixed = cache("redis").ttl(Duration.ofMillis(1500)).build();
        call(fixed, "什么是大模型？");
        Thread.sleep(800);
        assertEquals(CacheSource.EXACT, call(fixed, "什么是大模型？").source());
        Thread.sleep(1200);
        assertEquals(CacheSource.LLM, call(fixed, "什么是大模型？").source(), "a fixed TTL ends 1.5 s after storing");
    }
}
