package io.promptcache;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.promptcache.deepseek.DeepSeek;
import io.promptcache.deepseek.DeepSeekSimulator;
import io.promptcache.embedding.EmbeddingModels;
import io.promptcache.redis.RedisCache;
import io.promptcache.redis.RedisConfig;
import io.promptcache.testing.Await;
import io.promptcache.testing.CollectingHandler;
import io.promptcache.testing.FakeOllama;
import io.promptcache.testing.RedisProcess;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The fault matrix: each dependency (Redis, the embedder, the model) down at start, killed mid-run,
 * slow beyond its budget, returning garbage, and back again, through the blocking and the streaming
 * model, with real components only: {@code redis-server} processes on free ports, an Ollama fake and
 * the DeepSeek simulator over HTTP. Every cell checks that each call is answered (or, for a model
 * fault, that the model's own error arrives unchanged and nothing is cached), that the cache adds no
 * more than its budgets plus a generous margin, that the exact tier works whenever Redis does, and
 * that no thread or connection is left behind. The CLI's cells are in {@code cli.ChatFaultTest}.
 */
class FaultMatrixTest {

    static final Duration BUDGET = Duration.ofMillis(200);
    /** Added latency allowed per call: the lookup and the write budget, plus room for a shared, noisy machine. */
    static final long MAX_ADDED_MS = 2 * BUDGET.toMillis() + 1500;

    enum Entry { BLOCKING, STREAMING }

    enum Dependency { REDIS, EMBEDDER, MODEL }

    enum Fault { DOWN_AT_START, KILLED_MID_RUN, SLOW, GARBAGE_WRONG_DIMENSION, GARBAGE_MALFORMED, GARBAGE_HTTP_500, RATE_LIMITED,
        BROKEN_STREAM }

    static Stream<Arguments> cells() {
        List<Arguments> out = new ArrayList<>();
        for (Entry entry : Entry.values()) {
            for (Dependency dependency : Dependency.values()) {
                for (Fault fault : Fault.values()) {
                    if (applies(dependency, fault) && (fault != Fault.BROKEN_STREAM || entry == Entry.STREAMING)) {
                        out.add(Arguments.of(entry, dependency, fault));
                    }
                }
            }
        }
        return out.stream();
    }

    static boolean applies(Dependency dependency, Fault fault) {
        return switch (fault) {
            case GARBAGE_WRONG_DIMENSION -> dependency == Dependency.EMBEDDER;
            case GARBAGE_HTTP_500 -> dependency != Dependency.REDIS;
            case RATE_LIMITED, BROKEN_STREAM -> dependency == Dependency.MODEL;
            default -> true;
        };
    }

    @ParameterizedTest(name = "{0} · {1} · {2}")
    @MethodSource("cells")
    void everyCallIsAnsweredAndTheCacheRecovers(Entry entry, Dependency dependency, Fault fault) throws Exception {
        int threadsBefore = ourThreads();
        try (Rig rig = new Rig(entry, dependency == Dependency.EMBEDDER && fault == Fault.DOWN_AT_START,
                dependency == Dependency.REDIS && fault == Fault.DOWN_AT_START,
                dependency == Dependency.MODEL && fault == Fault.DOWN_AT_START)) {
            if (fault != Fault.DOWN_AT_START) {
                rig.awaitEmbedderReady();
                assertEquals(CacheSource.LLM, rig.ask("什么是缓存？").source());
                assertEquals(CacheSource.EXACT, rig.ask("什么是缓存？").source(), "healthy: a repeat is an exact hit");
                rig.breakIt(dependency, fault);
            }

            // Under the fault.
            if (dependency == Dependency.MODEL && fault != Fault.SLOW) {
                Call failed = rig.ask("模型故障时会怎样？");
                assertNotNull(failed.error(), "the model's fault reaches the caller");
                Throwable direct = rig.askUncached("模型故障时会怎样？");
                assertNotNull(direct, "the model fails without the cache too");
                assertEquals(direct.getClass(), failed.error().getClass(), "the error arrives as the model raised it");
                assertEquals(direct.getMessage(), failed.error().getMessage());
                assertEquals(0, rig.storedEntries(), "nothing of a failed call is cached");
            } else {
                List<String> questions = dependency == Dependency.REDIS && fault == Fault.GARBAGE_MALFORMED
                        ? List.of("什么是缓存？", "什么是向量？", "什么是向量？")
                        : List.of("什么是向量？", "什么是向量？", "向量是什么？");
                for (String q : questions) {
                    Call call = rig.ask(q);
                    assertNull(call.error(), () -> "answered despite the fault: " + call.error());
                    String subject = q.contains("向量") ? "向量" : "缓存";
                    assertTrue(call.answer().contains(subject), () -> "a real answer: " + call.answer());
                    assertTrue(call.addedMs() <= MAX_ADDED_MS, () -> "added " + call.addedMs() + " ms, budget " + MAX_ADDED_MS);
                }
                boolean garbageInRedis = dependency == Dependency.REDIS && fault == Fault.GARBAGE_MALFORMED;
                Call first = rig.calls.get(rig.calls.size() - 3);
                Call repeat = rig.calls.get(rig.calls.size() - (garbageInRedis ? 1 : 2));
                switch (dependency) {
                    case EMBEDDER -> {
                        assertEquals(CacheSource.EXACT, repeat.source(), "the exact tier does not need the embedder");
                        assertTrue(first.outcome().degradedBy().contains(CacheDependency.EMBEDDER),
                                () -> "the outcome names the embedder: " + first.outcome());
                    }
                    case MODEL -> assertEquals(CacheSource.EXACT, repeat.source(), "a slow model's answer is cached");
                    case REDIS -> {
                        if (garbageInRedis) {
                            assertEquals(CacheSource.LLM, first.source(), "a corrupt entry is a miss, never served");
                            assertEquals(CacheSource.EXACT, repeat.source(), "the store itself still works");
                        } else {
                            assertTrue(repeat.outcome().degradedBy().contains(CacheDependency.STORE),
                                    () -> "the outcome names the store: " + repeat.outcome());
                        }
                    }
                }
                if (fault == Fault.GARBAGE_WRONG_DIMENSION) {
                    assertTrue(rig.vectorDimensions().stream().allMatch(d -> d == FakeOllama.DIMENSION),
                            "nothing of the wrong dimension is stored");
                }
            }

            if (dependency == Dependency.EMBEDDER) {
                assertNull(rig.ask("什么是索引？").error(), "stored for the exact tier during the outage");
            }

            // Back again: the cache resumes by itself, without a restart. Fresh questions, so each reaches
            // every tier and probes whatever is still marked down.
            rig.heal(dependency, fault);
            java.util.concurrent.atomic.AtomicInteger probe = new java.util.concurrent.atomic.AtomicInteger();
            awaitTrue(() -> {
                rig.ask("恢复检查第" + probe.incrementAndGet() + "次？");
                // Up, nothing waiting for a vector, the embedder loaded, and the vector search mode chosen and
                // loaded (AUTO asks Redis again at most once a second after it returns).
                return rig.model.metrics().snapshot().degraded().isEmpty() && rig.model.engine.indexBacklog() == 0
                        && rig.model.engine.embedderReady() && rig.cache.embeddingStore().loaded();
            }, () -> "every dependency is up again: " + rig.model.metrics().snapshot().health());
            assertEquals(CacheSource.LLM, rig.ask("什么是数据库？").source());
            assertEquals(CacheSource.EXACT, rig.ask("什么是数据库？").source(), "the exact tier works again");
            // On a busy machine a write may outlive its budget and finish in the background.
            awaitTrue(() -> rig.hasVector("什么是数据库？"), "the vector of 什么是数据库？ is stored");
            assertEquals(CacheSource.SEMANTIC, rig.ask("数据库是什么？").source(), "the semantic tier works again");
            if (dependency == Dependency.EMBEDDER) {
                // A write that outlived its budget (a slow embedder) finishes in the background.
                awaitTrue(() -> rig.hasVector("什么是索引？"), "the late vector arrives");
                assertEquals(CacheSource.SEMANTIC, rig.ask("索引是什么？").source(),
                        "an answer stored during the outage was indexed once the embedder was back");
            }
        }
        awaitTrue(() -> ourThreads() == threadsBefore, "no thread left behind");
    }

    /** Threads of ours that must end with the cache; the shared I/O pool is bounded and its idle threads time out. */
    static int ourThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && (t.getName().startsWith("promptcache-") && !t.getName().startsWith("promptcache-io-")
                        || t.getName().startsWith("fake-ollama")))
                .count();
    }

    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        Await.until(condition, what);
    }

    static void awaitTrue(BooleanSupplier condition, java.util.function.Supplier<String> what) throws InterruptedException {
        Await.until(condition, what);
    }

    /** One call: its answer or error, what the cache did, and what the cache added to the model's time. */
    record Call(String answer, Throwable error, CacheOutcome outcome, long addedMs) {
        CacheSource source() {
            return outcome == null ? null : outcome.source();
        }
    }

    /** Redis, the embedder and the model of one cell, and the caching model on top of them. */
    static final class Rig implements AutoCloseable {
        final Entry entry;
        final RedisProcess redis;
        final FakeOllama ollama;
        final int modelPort;
        final String prefix = "fm";
        DeepSeekSimulator simulator;
        final AtomicReference<DeepSeekSimulator.Fault> modelFault = new AtomicReference<>(DeepSeekSimulator.Fault.NONE);
        final RedisCache cache;
        final AbstractCachingModel model;
        final ChatModel delegate;
        final StreamingChatModel streamingDelegate;
        final List<Call> calls = new ArrayList<>();
        final ConcurrentHashMap<String, Boolean> modelSlow = new ConcurrentHashMap<>();

        Rig(Entry entry, boolean embedderDown, boolean redisDown, boolean modelDown) throws IOException {
            this.entry = entry;
            this.redis = RedisProcess.start();
            if (redisDown) {
                redis.stop();
            }
            this.ollama = embedderDown ? FakeOllama.notStarted() : new FakeOllama();
            this.modelPort = RedisProcess.freePort();
            if (!modelDown) {
                startModel();
            }
            DeepSeek.Endpoint endpoint = new DeepSeek.Endpoint("http://127.0.0.1:" + modelPort, "sk-test", "deepseek-chat", Duration.ofSeconds(10));
            this.delegate = DeepSeek.chatModel(endpoint);
            this.streamingDelegate = DeepSeek.streamingChatModel(endpoint);
            this.cache = RedisCache.builder()
                    .config(RedisConfig.builder().url(redis.url()).keyPrefix(prefix)
                            .connectTimeout(Duration.ofMillis(300)).readTimeout(Duration.ofMillis(500)).build())
                    .dimension(FakeOllama.DIMENSION).maxEntriesPerTenant(100).ttl(Duration.ofMinutes(5)).build();
            CachingModelBuilder<?> b = entry == Entry.BLOCKING
                    ? CachingChatModel.builder().delegate(delegate)
                    : CachingStreamingChatModel.builder().delegate(streamingDelegate);
            b.embeddingModel(EmbeddingModels.ollama(ollama.baseUrl(), "fake-embed", Duration.ofSeconds(1)))
                    .cacheStore(cache.cacheStore()).embeddingStore(cache.embeddingStore())
                    .lookupTimeout(BUDGET).writeTimeout(BUDGET).retryInterval(Duration.ofMillis(100));
            this.model = b instanceof CachingChatModel.Builder cb ? cb.build() : ((CachingStreamingChatModel.Builder) b).build();
        }

        void startModel() {
            simulator = DeepSeekSimulator.builder().port(modelPort)
                    .faults(q -> modelFault.get())
                    .timeToFirstToken(modelSlow.isEmpty() ? Duration.ZERO : Duration.ofMillis(800))
                    .start();
        }

        void awaitEmbedderReady() throws InterruptedException {
            awaitTrue(() -> ((AbstractCachingModel) model).engine.embedderReady(), "embedder warmed up");
        }

        void breakIt(Dependency dependency, Fault fault) throws IOException {
            switch (dependency) {
                case REDIS -> {
                    switch (fault) {
                        case KILLED_MID_RUN -> redis.stop();
                        case SLOW -> redis.pause();
                        case GARBAGE_MALFORMED -> corruptEveryEntry();
                        default -> throw new IllegalArgumentException(fault.name());
                    }
                }
                case EMBEDDER -> {
                    switch (fault) {
                        case KILLED_MID_RUN -> ollama.stop();
                        case SLOW -> {
                            ollama.slowBy(Duration.ofMillis(3 * BUDGET.toMillis()));
                            ollama.behave(FakeOllama.Behaviour.SLOW);
                        }
                        case GARBAGE_WRONG_DIMENSION -> ollama.behave(FakeOllama.Behaviour.WRONG_DIMENSION);
                        case GARBAGE_MALFORMED -> ollama.behave(FakeOllama.Behaviour.MALFORMED_JSON);
                        case GARBAGE_HTTP_500 -> ollama.behave(FakeOllama.Behaviour.SERVER_ERROR);
                        default -> throw new IllegalArgumentException(fault.name());
                    }
                }
                case MODEL -> {
                    switch (fault) {
                        case KILLED_MID_RUN -> simulator.close();
                        case SLOW -> {
                            // A slow model is the model's time, not the cache's: the call waits for it, and the
                            // cache adds no more than its budgets.
                            simulator.close();
                            modelSlow.put("slow", true);
                            startModel();
                        }
                        case GARBAGE_MALFORMED -> modelFault.set(DeepSeekSimulator.Fault.MALFORMED_JSON);
                        case GARBAGE_HTTP_500 -> modelFault.set(DeepSeekSimulator.Fault.SERVER_ERROR);
                        case RATE_LIMITED -> modelFault.set(DeepSeekSimulator.Fault.RATE_LIMITED);
                        case BROKEN_STREAM -> modelFault.set(DeepSeekSimulator.Fault.CUT_STREAM);
                        default -> throw new IllegalArgumentException(fault.name());
                    }
                }
            }
        }

        void heal(Dependency dependency, Fault fault) throws IOException {
            switch (dependency) {
                case REDIS -> {
                    if (fault == Fault.SLOW) {
                        redis.resume();
                    } else if (fault == Fault.KILLED_MID_RUN || fault == Fault.DOWN_AT_START) {
                        redis.restart();
                    }
                }
                case EMBEDDER -> {
                    ollama.behave(FakeOllama.Behaviour.NORMAL);
                    ollama.start();
                }
                case MODEL -> {
                    modelFault.set(DeepSeekSimulator.Fault.NONE);
                    modelSlow.clear();
                    if (simulator != null) {
                        simulator.close();
                    }
                    startModel();
                }
            }
        }

        /** Garbage in Redis: every stored answer replaced by text that is not an answer. */
        void corruptEveryEntry() {
            try (Jedis j = new Jedis("127.0.0.1", redis.port, 2000)) {
                for (String key : j.scan("0", new redis.clients.jedis.params.ScanParams().match(prefix + ":e:*").count(1000)).getResult()) {
                    j.hset(key, "a", "{not json");
                }
            }
        }

        long storedEntries() {
            try (Jedis j = new Jedis("127.0.0.1", redis.port, 2000)) {
                return j.scan("0", new redis.clients.jedis.params.ScanParams().match(prefix + ":e:*").count(10_000))
                        .getResult().stream().filter(k -> !Objects.equals(j.hget(k, "q"), "什么是缓存？")).count();
            }
        }

        boolean hasVector(String question) {
            try (Jedis j = new Jedis("127.0.0.1", redis.port, 2000)) {
                return j.scan("0", new redis.clients.jedis.params.ScanParams().match(prefix + ":e:*").count(10_000))
                        .getResult().stream().anyMatch(k -> question.equals(j.hget(k, "q")) && j.hexists(k, "v"));
            }
        }

        List<Integer> vectorDimensions() {
            List<Integer> out = new ArrayList<>();
            try (Jedis j = new Jedis("127.0.0.1", redis.port, 2000)) {
                for (String key : j.scan("0", new redis.clients.jedis.params.ScanParams().match(prefix + ":e:*").count(10_000)).getResult()) {
                    byte[] v = j.hget(key.getBytes(), "v".getBytes());
                    if (v != null) {
                        out.add(v.length / 4);
                    }
                }
            }
            return out;
        }

        Call ask(String question) {
            ChatRequest request = ChatRequest.builder()
                    .messages(SystemMessage.from("你是一个助手。"), UserMessage.from(question)).build();
            try (CacheScope scope = CacheScope.open("tenant-a")) {
                long start = System.nanoTime();
                String answer = null;
                Throwable error = null;
                try {
                    answer = send(request);
                } catch (Throwable e) {
                    error = e;
                }
                long tookMs = (System.nanoTime() - start) / 1_000_000;
                CacheOutcome outcome = scope.lastOutcome().orElse(null);
                long modelMs = modelSlow.isEmpty() || outcome == null || outcome.source().cached() ? 0 : 800;
                Call call = new Call(answer, error, outcome, Math.max(0, tookMs - modelMs));
                calls.add(call);
                return call;
            }
        }

        private String send(ChatRequest request) throws Throwable {
            if (entry == Entry.BLOCKING) {
                return ((CachingChatModel) model).chat(request).aiMessage().text();
            }
            CollectingHandler handler = new CollectingHandler();
            ((CachingStreamingChatModel) model).chat(request, handler);
            try {
                ChatResponse response = handler.done.get(30, TimeUnit.SECONDS);
                if (response.finishReason() != dev.langchain4j.model.output.FinishReason.STOP) {
                    throw new IllegalStateException("the stream ended with " + response.finishReason());
                }
                return response.aiMessage().text();
            } catch (ExecutionException e) {
                throw e.getCause();
            }
        }

        /** The same request straight to the model, to compare its error with the one the cache passed on. */
        Throwable askUncached(String question) {
            ChatRequest request = ChatRequest.builder()
                    .messages(SystemMessage.from("你是一个助手。"), UserMessage.from(question)).build();
            try {
                if (entry == Entry.BLOCKING) {
                    delegate.chat(request);
                } else {
                    CollectingHandler handler = new CollectingHandler();
                    streamingDelegate.chat(request, handler);
                    ChatResponse response = handler.done.get(30, TimeUnit.SECONDS);
                    if (response.finishReason() != dev.langchain4j.model.output.FinishReason.STOP) {
                        throw new IllegalStateException("the stream ended with " + response.finishReason());
                    }
                }
                return null;
            } catch (ExecutionException e) {
                return e.getCause();
            } catch (Throwable e) {
                return e;
            }
        }

        @Override
        public void close() {
            cache.close();
            ollama.close();
            if (simulator != null) {
                simulator.close();
            }
            try {
                redis.resume();
            } catch (IOException | RuntimeException ignored) {
                // not paused, or already stopped
            }
            try {
                awaitTrue(() -> !redisRunning() || redis.clients() == 0, "no Redis connection left open");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                redis.close();
            }
        }

        private boolean redisRunning() {
            try (Jedis j = new Jedis("127.0.0.1", redis.port, 500)) {
                return "PONG".equals(j.ping());
            } catch (RuntimeException e) {
                return false;
            }
        }
    }
}
