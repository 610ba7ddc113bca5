package io.promptcache.metrics;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.promptcache.CacheControl;
import io.promptcache.CacheMetrics;
import io.promptcache.CacheOutcome;
import io.promptcache.CacheScope;
import io.promptcache.CacheSource;
import io.promptcache.CachingChatModel;
import io.promptcache.testing.FaultyStore;
import io.promptcache.testing.SimulatedDeepSeek;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Micrometer meters against a SimpleMeterRegistry: each tag value appears when its event happens. */
class PromptCacheMetersTest {

    final SimulatedDeepSeek deepSeek = new SimulatedDeepSeek();
    final MeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void stop() {
        deepSeek.close();
    }

    CacheOutcome ask(CachingChatModel model, String question, CacheControl control) {
        try (CacheScope scope = CacheScope.open("t").control(control)) {
            model.chat(ChatRequest.builder().messages(SystemMessage.from("sys"), UserMessage.from(question)).build());
            return scope.lastOutcome().orElseThrow();
        }
    }

    double count(String name, String... tags) {
        return registry.get(name).tags(tags).functionCounter().count();
    }

    @Test
    void everyEventShowsUnderItsTags() {
        CachingChatModel model = CachingChatModel.builder().delegate(deepSeek.chatModel())
                .lookupTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10)).build();
        PromptCacheMeters.bind(model, registry);

        ask(model, "什么是大模型？", CacheControl.DEFAULT);
        ask(model, "什么是大模型？", CacheControl.DEFAULT);
        CacheOutcome semantic = ask(model, "大模型是什么？", CacheControl.DEFAULT);
        ask(model, "转账500元手续费是多少", CacheControl.DEFAULT);
        ask(model, "转账5000元手续费是多少", CacheControl.DEFAULT);         // a near miss: another number
        ask(model, "什么是向量？", CacheControl.NO_STORE);
        ask(model, "最新的iPhone是哪一款？", CacheControl.DEFAULT);
        model.reportWrong(semantic);

        assertEquals(1, count("promptcache.requests", "source", "exact", "shared", "false"));
        assertEquals(1, count("promptcache.requests", "source", "semantic", "shared", "false"));
        assertEquals(5, count("promptcache.requests", "source", "llm", "shared", "false"));
        assertEquals(CacheSource.SEMANTIC, semantic.source());
        assertEquals(0, count("promptcache.requests", "source", "llm", "shared", "true"));
        assertEquals(1, registry.get("promptcache.lookup").tags("source", "exact").timer().count());
        assertEquals(5, registry.get("promptcache.lookup").tags("source", "llm").timer().count());
        assertTrue(registry.get("promptcache.similarity").tags("space", "zh").summary().count() >= 2,
                "every semantic lookup with a neighbour, under its vector space");
        assertTrue(registry.get("promptcache.similarity").tags("space", "zh").summary().max() <= 1.0);
        ask(model, "How do I reset my password?", CacheControl.DEFAULT);
        ask(model, "How can I reset my password?", CacheControl.DEFAULT);
        assertEquals(1, registry.get("promptcache.similarity").tags("space", "en").summary().count(),
                "English on its own scale");
        assertTrue(count("promptcache.rejections", "verifier", "lexical") >= 1,
                () -> "rejections: " + model.metrics().snapshot().rejections());
        assertEquals(1, count("promptcache.not.stored", "reason", "no_store"));
        assertEquals(1, count("promptcache.not.stored", "reason", "time_sensitive"));
        assertEquals(1, count("promptcache.wrong.reports"));
        assertTrue(count("promptcache.tokens.saved", "type", "prompt") > 0);
        assertTrue(count("promptcache.provider.prompt.tokens", "cache", "miss") > 0);
        assertEquals(1.0, registry.get("promptcache.dependency.up").tags("dependency", "store").gauge().value());
        registry.getMeters().forEach(m -> m.getId().getTags().forEach(tag ->
                assertTrue(!tag.getValue().contains("大模型") && !tag.getValue().equals("t"), "no user data in tags: " + m.getId())));
    }

    @Test
    void faultsAndDependencyHealthAreCounted() {
        CachingChatModel model = CachingChatModel.builder().delegate(deepSeek.chatModel()).cacheStore(new FaultyStore(Duration.ZERO))
                .lookupTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10)).build();
        PromptCacheMeters.bind(model, registry);
        assertEquals(CacheSource.LLM, ask(model, "什么是大模型？", CacheControl.DEFAULT).source());
        assertEquals(1, count("promptcache.faults", "kind", "error"));
        assertEquals(1, count("promptcache.dependency.faults", "dependency", "store"));
        assertEquals(0.0, registry.get("promptcache.dependency.up").tags("dependency", "store").gauge().value());
    }

    @Test
    void aMetricsBackendThatThrowsNeverFailsACall() {
        CacheMetrics metrics = new CacheMetrics();
        CachingChatModel model = CachingChatModel.builder().delegate(deepSeek.chatModel()).metrics(metrics)
                .lookupTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10)).build();
        metrics.recorder(new CacheMetrics.Recorder() {
            @Override
            public void similarity(double bestCosine) {
                throw new IllegalStateException("broken registry");
            }

            @Override
            public void cacheTime(CacheSource source, long nanos) {
                throw new IllegalStateException("broken registry");
            }
        });
        assertEquals(CacheSource.LLM, ask(model, "什么是大模型？", CacheControl.DEFAULT).source());
        assertEquals(CacheSource.SEMANTIC, ask(model, "大模型是什么？", CacheControl.DEFAULT).source());
    }

    /** Micrometer holds a meter's state weakly: every meter must still read its value after collections. */
    @Test
    void everyMeterReadsItsTrueValueAfterGarbageCollection() throws InterruptedException {
        bindAndUseThenDropTheModel();
        forceCollection();
        for (io.micrometer.core.instrument.Meter meter : registry.getMeters()) {
            for (io.micrometer.core.instrument.Measurement m : meter.measure()) {
                assertTrue(!Double.isNaN(m.getValue()), "blind after GC: " + meter.getId() + " " + m.getStatistic());
            }
        }
        assertEquals(1, count("promptcache.requests", "source", "exact", "shared", "false"));
        assertEquals(1.0, registry.get("promptcache.store.entries").gauge().value(), "the store's one entry");
        assertEquals(1.0, registry.get("promptcache.dependency.up").tags("dependency", "store").gauge().value());
    }

    private void bindAndUseThenDropTheModel() throws InterruptedException {
        CachingChatModel model = CachingChatModel.builder().delegate(deepSeek.chatModel()).semanticEnabled(false)
                .lookupTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10)).build();
        PromptCacheMeters.bind(model, registry);
        ask(model, "什么是大模型？", CacheControl.DEFAULT);
        ask(model, "什么是大模型？", CacheControl.DEFAULT);
        io.promptcache.testing.Await.until(() -> registry.get("promptcache.store.entries").gauge().value() == 1.0,
                "the store's size is read");
    }

    static void forceCollection() {
        java.lang.ref.WeakReference<Object> probe = new java.lang.ref.WeakReference<>(new Object());
        for (int i = 0; i < 50 && probe.get() != null; i++) {
            System.gc();
            byte[][] pressure = new byte[64][];
            for (int k = 0; k < pressure.length; k++) {
                pressure[k] = new byte[64 * 1024];
            }
        }
        assertTrue(probe.get() == null, "a throwaway object was collected");
    }

    @Test
    void aClosedModelsMetersLeaveTheRegistry() {
        CachingChatModel model = CachingChatModel.builder().delegate(deepSeek.chatModel()).semanticEnabled(false).build();
        PromptCacheMeters.Binding binding = PromptCacheMeters.bind(model, registry, "bean", "one");
        CachingChatModel other = CachingChatModel.builder().delegate(deepSeek.chatModel()).semanticEnabled(false).build();
        PromptCacheMeters.bind(other, registry, "bean", "two");
        assertTrue(!binding.meters().isEmpty());
        model.close();
        assertTrue(binding.meters().isEmpty());
        assertTrue(registry.find("promptcache.requests").tag("bean", "one").meters().isEmpty(), "removed with its model");
        assertTrue(!registry.find("promptcache.requests").tag("bean", "two").meters().isEmpty(), "the other model's stay");
        other.close();
        assertTrue(registry.getMeters().stream().noneMatch(m -> m.getId().getName().startsWith("promptcache.")));
    }
}
