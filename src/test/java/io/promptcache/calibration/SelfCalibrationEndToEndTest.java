package io.promptcache.calibration;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.promptcache.CacheOutcome;
import io.promptcache.CacheScope;
import io.promptcache.CacheSource;
import io.promptcache.CachingChatModel;
import io.promptcache.deepseek.DeepSeekSimulator;
import io.promptcache.metrics.PromptCacheMeters;
import io.promptcache.redis.RedisCache;
import io.promptcache.semantic.ContextDependenceGuard;
import io.promptcache.semantic.LexicalGuard;
import io.promptcache.testing.SimulatedDeepSeek;
import io.promptcache.testing.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Self-calibration as an application meets it: the caching model wraps the real OpenAI client pointed at the
 * DeepSeek simulator over HTTP, and that same model is the judge (the default), answering the judge's prompt
 * from labels. Questions are embedded by the in-process bge-small-zh.
 */
class SelfCalibrationEndToEndTest {

    /** Our own paraphrase pairs: 什么是X？ / X是什么？ */
    static final List<String> TERMS = List.of("大模型", "向量数据库", "缓存", "微服务", "容器", "区块链", "量子计算", "机器学习",
            "深度学习", "云计算", "边缘计算", "数据仓库", "数据湖", "消息队列", "负载均衡", "反向代理", "搜索引擎", "推荐系统",
            "知识图谱", "自然语言处理", "计算机视觉", "强化学习", "迁移学习", "联邦学习", "数字孪生", "元宇宙", "物联网", "区块浏览器",
            "分布式事务", "服务网格", "持续集成", "持续部署", "单元测试", "集成测试", "代码审查", "技术债务", "敏捷开发", "领域驱动设计",
            "事件溯源", "函数式编程", "面向对象编程", "垃圾回收", "内存泄漏", "死锁", "线程池");

    final Set<String> judgedPairs = ConcurrentHashMap.newKeySet();
    SimulatedDeepSeek deepSeek;
    final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        if (deepSeek != null) {
            deepSeek.close();
        }
    }

    void simulatorJudging(BiFunction<String, String, Boolean> judge) {
        deepSeek = new SimulatedDeepSeek(DeepSeekSimulator.builder().judge((a, b) -> {
            judgedPairs.add(a + "|" + b);
            return judge.apply(a, b);
        }));
    }

    CachingChatModel model(SelfCalibration calibration, RedisCache redis) {
        // The guards only: the shipped token alignment would keep most of these short paraphrases from being served.
        CachingChatModel.Builder b = CachingChatModel.builder().delegate(deepSeek.chatModel()).selfCalibration(calibration)
                .verifiers(LexicalGuard.defaults(), new ContextDependenceGuard())
                .lookupTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10));
        if (redis != null) {
            b.cacheStore(redis.cacheStore()).embeddingStores(redis::embeddingStore);
        }
        CachingChatModel model = b.build();
        closing.add(0, model);
        return model;
    }

    static CacheOutcome ask(CachingChatModel model, String tenant, String question) {
        try (CacheScope scope = CacheScope.open(tenant)) {
            model.chat(ChatRequest.builder().messages(SystemMessage.from("You are helpful."), UserMessage.from(question)).build());
            return scope.lastOutcome().orElseThrow();
        }
    }

    static SelfCalibration.Builder settings() {
        return SelfCalibration.builder().maxWrongShare(0.1).minJudged(20).keepKnownThreshold(false);
    }

    /** Asks every pair once in tenant {@code tenant}: the stored question, then its paraphrase. */
    static List<CacheOutcome> paraphrases(CachingChatModel model, String tenant, List<String> terms) {
        List<CacheOutcome> out = new ArrayList<>();
        for (String t : terms) {
            ask(model, tenant, "什么是" + t + "？");
            out.add(ask(model, tenant, t + "是什么？"));
        }
        return out;
    }

    @Test
    void aSpaceInShadowServesNothingThenServesAtTheThresholdItLearntFromTheApplicationsOwnModel() throws Exception {
        simulatorJudging((a, b) -> true);
        // No sampling once serving: the threshold checked below is then the one every later hit is served at.
        CachingChatModel model = model(settings().servingSample(1e-9).build(), null);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PromptCacheMeters.bind(model, registry);
        SelfCalibrator calibrator = model.selfCalibrator();
        assertNotNull(calibrator);
        assertEquals(Double.POSITIVE_INFINITY, calibrator.threshold("zh"), "an uncalibrated space serves nothing");

        List<CacheOutcome> shadow = paraphrases(model, "acme", TERMS);
        // A 10% bound at 95% needs 29 right answers: until then the space is in shadow and serves nothing.
        assertTrue(shadow.subList(0, 28).stream().allMatch(o -> o.source() == CacheSource.LLM), "nothing is served in shadow");
        calibrator.awaitIdle(Duration.ofSeconds(60));

        CalibrationState state = calibrator.state("zh");
        assertTrue(state.serving(), "serving after " + state.judged() + " judged pairs: " + state);
        assertTrue(state.judged() >= 29, "a 10% bound at 95% needs at least 29 right answers, had " + state.judged());
        assertEquals(state.judged(), judgedPairs.size(), "every judged pair went to the application's model, once");
        assertTrue(judgedPairs.contains("什么是大模型？|大模型是什么？"), "the stored question first: " + judgedPairs);
        assertTrue(state.bound() <= 0.1);

        // Another tenant asks the same pairs: now served from the cache, at or above the learnt threshold.
        List<CacheOutcome> served = paraphrases(model, "globex", TERMS);
        long semantic = served.stream().filter(o -> o.source() == CacheSource.SEMANTIC).count();
        assertTrue(semantic >= state.judged() * 0.9, semantic + " semantic hits of " + state.judged() + " judged pairs");
        assertTrue(served.stream().filter(o -> o.source() == CacheSource.SEMANTIC)
                .allMatch(o -> o.similarity() >= state.threshold() - 1e-4));

        assertEquals(state.threshold(), registry.get("promptcache.calibration.threshold").tag("space", "zh").gauge().value(), 1e-4);
        assertEquals(1, registry.get("promptcache.calibration.serving").tag("space", "zh").gauge().value());
        assertTrue(registry.get("promptcache.calibration.judged.pairs").tag("space", "zh").gauge().value() >= 29);
        assertTrue(registry.get("promptcache.calibration.judge.calls").tag("space", "zh").tag("result", "same")
                .functionCounter().count() >= 29);
    }

    @Test
    void aJudgeWithoutVerdictsCostsJudgeCallsNeverUserCallsAndTeachesNothing() throws Exception {
        simulatorJudging((a, b) -> null); // "I cannot tell."
        CachingChatModel model = model(settings().build(), null);
        List<CacheOutcome> outcomes = paraphrases(model, "acme", TERMS.subList(0, 30));
        assertTrue(outcomes.stream().allMatch(o -> o.source() == CacheSource.LLM && !o.degraded()));
        model.selfCalibrator().awaitIdle(Duration.ofSeconds(60));
        CalibrationState state = model.selfCalibrator().state("zh");
        assertFalse(state.serving());
        assertEquals(0, state.judged(), "no verdict is never taken as 'same'");
        assertTrue(model.selfCalibrator().counts("zh").judgeCalls("failed") >= 25);
        assertEquals(state.judgeCalls(), model.selfCalibrator().counts("zh").judgeCalls("failed"), "each cost a judge call");
    }

    @Test
    void theHourlyBudgetCapsJudgeCalls() throws Exception {
        simulatorJudging((a, b) -> true);
        CachingChatModel model = model(settings().judgeCallsPerHour(5).build(), null);
        paraphrases(model, "acme", TERMS.subList(0, 20));
        model.selfCalibrator().awaitIdle(Duration.ofSeconds(60));
        assertTrue(judgedPairs.size() <= 5, judgedPairs.size() + " judge calls");
        assertTrue(model.selfCalibrator().counts("zh").dropped() >= 10);
    }

    @Test
    void everyInstanceOnOneRedisServesWithTheSameThresholdAndACorruptOrForeignStateIsDiscarded() throws Exception {
        simulatorJudging((a, b) -> true);
        String prefix = TestRedis.prefix();
        RedisCache first = RedisCache.builder().config(TestRedis.config(prefix)).build();
        RedisCache second = RedisCache.builder().config(TestRedis.config(prefix)).build();
        closing.add(() -> TestRedis.clean(first.client(), prefix));
        closing.add(first);
        closing.add(second);
        CachingChatModel a = model(settings().build(), first);
        CachingChatModel b = model(settings().build(), second);
        paraphrases(a, "acme", TERMS);
        a.selfCalibrator().awaitIdle(Duration.ofSeconds(60));
        CalibrationState learnt = a.selfCalibrator().state("zh");
        assertTrue(learnt.serving());

        b.selfCalibrator().refresh();
        assertEquals(learnt.threshold(), b.selfCalibrator().state("zh").threshold(), "the second instance serves with it");
        assertEquals(learnt.judged(), second.cacheStore().calibrationStore().pairs("zh").size());
        // No question text is kept with the calibration.
        for (String pair : first.cacheStore().calibrationStore().pairs("zh")) {
            assertTrue(pair.matches("[0-9.,-]+"), pair);
        }
        assertFalse(first.cacheStore().calibrationStore().state("zh").orElseThrow().contains("是什么"));

        first.client().set(prefix + ":cal:{cal.zh}:state", "{\"format\":1,\"model\":");
        b.selfCalibrator().refresh();
        assertFalse(b.selfCalibrator().state("zh").serving(), "a corrupt state is discarded: shadow");
        assertTrue(first.cacheStore().calibrationStore().pairs("zh").isEmpty(), "and so are its pairs");

        first.client().set(prefix + ":cal:{cal.zh}:state",
                new CalibrationState("bge-m3", 1024, CalibrationPhase.SERVING, 0.5, 0.01, 900, 3, 900, 1).toJson());
        b.selfCalibrator().refresh();
        assertFalse(b.selfCalibrator().state("zh").serving(), "a state learnt for another model is never served");
        assertTrue(first.cacheStore().calibrationStore().state("zh").isEmpty());
    }

    @Test
    void aReportedWrongAnswerCountsAsAJudgedWrongPair() throws Exception {
        simulatorJudging((a, b) -> true);
        CachingChatModel model = model(settings().build(), null);
        paraphrases(model, "acme", TERMS);
        SelfCalibrator calibrator = model.selfCalibrator();
        calibrator.awaitIdle(Duration.ofSeconds(60));
        int before = calibrator.state("zh").judgedWrong();
        ask(model, "globex", "什么是大模型？");
        CacheOutcome hit = ask(model, "globex", "大模型是什么？");
        assertEquals(CacheSource.SEMANTIC, hit.source());
        model.reportWrong(hit);
        calibrator.awaitIdle(Duration.ofSeconds(60));
        assertEquals(before + 1, calibrator.state("zh").judgedWrong());
    }

    @Test
    void aStreamingModelJudgesWithItsOwnStreamAndLearnsTheSameWay() throws Exception {
        simulatorJudging((a, b) -> true);
        io.promptcache.CachingStreamingChatModel model = io.promptcache.CachingStreamingChatModel.builder()
                .delegate(deepSeek.streamingChatModel()).selfCalibration(settings().build())
                .verifiers(LexicalGuard.defaults(), new ContextDependenceGuard())
                .lookupTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10)).build();
        closing.add(0, model);
        for (String t : TERMS) {
            for (String q : List.of("什么是" + t + "？", t + "是什么？")) {
                try (CacheScope scope = CacheScope.open("acme")) {
                    io.promptcache.testing.CollectingHandler h = new io.promptcache.testing.CollectingHandler();
                    model.chat(ChatRequest.builder().messages(SystemMessage.from("You are helpful."), UserMessage.from(q)).build(), h);
                    h.done.get(30, java.util.concurrent.TimeUnit.SECONDS);
                }
            }
        }
        model.selfCalibrator().awaitIdle(Duration.ofSeconds(60));
        CalibrationState state = model.selfCalibrator().state("zh");
        assertTrue(state.serving(), state.toString());
        assertEquals(0, model.selfCalibrator().counts("zh").judgeCalls("failed"), "the streamed yes was read whole");
    }
}
