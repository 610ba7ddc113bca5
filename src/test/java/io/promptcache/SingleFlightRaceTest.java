package io.promptcache;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.promptcache.store.InMemoryCacheStore;
import io.promptcache.testing.CollectingHandler;
import io.promptcache.testing.GatedStore;
import io.promptcache.testing.SimulatedDeepSeek;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The race a burst of identical requests runs: call B's lookup misses, then call A asks the model, stores
 * the answer and leaves its flight, and only then does B look for a flight. The gate in the store makes
 * that order happen every time. B must be served A's answer from the store, counted as exact.
 */
class SingleFlightRaceTest {

    private static final ChatRequest REQUEST = ChatRequest.builder()
            .messages(SystemMessage.from("You answer briefly."), UserMessage.from("什么是向量数据库？")).build();

    @Test
    void aMissWhoseFlightStartsAfterAnIdenticalCallEndedIsServedFromTheStore() throws Exception {
        for (boolean semantic : new boolean[]{false, true}) {
            try (SimulatedDeepSeek deepSeek = new SimulatedDeepSeek()) {
                GatedStore store = new GatedStore(InMemoryCacheStore.builder().build());
                CachingChatModel model = CachingChatModel.builder().delegate(deepSeek.chatModel()).cacheStore(store)
                        .semanticEnabled(semantic)
                        .lookupTimeout(Duration.ofSeconds(20)).writeTimeout(Duration.ofSeconds(20)).build();

                CompletableFuture<CacheOutcome> late = CompletableFuture.supplyAsync(() -> outcomeOf(() -> model.chat(REQUEST)));
                assertTrue(store.firstReadDone.await(20, TimeUnit.SECONDS), "B's exact read ran");
                CacheOutcome first = outcomeOf(() -> model.chat(REQUEST));   // A: the whole call, start to end
                assertEquals(CacheSource.LLM, first.source());
                store.release.countDown();                                   // now B looks for a flight

                CacheOutcome second = late.get(30, TimeUnit.SECONDS);
                assertEquals(1, deepSeek.calls(), "semantic tier " + semantic + ": one model call for two identical requests");
                assertEquals(CacheSource.EXACT, second.source(), "semantic tier " + semantic);
                assertEquals(1, model.metrics().snapshot().exactHits());
                assertEquals(0, model.metrics().snapshot().semanticHits());
            }
        }
    }

    @Test
    void theStreamingModelHoldsTheSameRace() throws Exception {
        try (SimulatedDeepSeek deepSeek = new SimulatedDeepSeek()) {
            GatedStore store = new GatedStore(InMemoryCacheStore.builder().build());
            CachingStreamingChatModel model = CachingStreamingChatModel.builder().delegate(deepSeek.streamingChatModel())
                    .cacheStore(store).semanticEnabled(false)
                    .lookupTimeout(Duration.ofSeconds(20)).writeTimeout(Duration.ofSeconds(20)).build();

            CompletableFuture<CacheOutcome> late = CompletableFuture.supplyAsync(() -> outcomeOf(() -> stream(model)));
            assertTrue(store.firstReadDone.await(20, TimeUnit.SECONDS));
            CacheOutcome first = outcomeOf(() -> stream(model));
            assertEquals(CacheSource.LLM, first.source());
            store.release.countDown();

            CacheOutcome second = late.get(30, TimeUnit.SECONDS);
            assertEquals(1, deepSeek.calls());
            assertEquals(CacheSource.EXACT, second.source());
            assertEquals(0, model.inFlight(), "the flight left the map");
        }
    }

    private static String stream(CachingStreamingChatModel model) {
        CollectingHandler handler = new CollectingHandler();
        model.chat(REQUEST, handler);
        try {
            String text = handler.done.get(30, TimeUnit.SECONDS).aiMessage().text();
            assertEquals(text, String.join("", handler.partials), "the replay streams the whole answer");
            return text;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static CacheOutcome outcomeOf(Runnable call) {
        try (CacheScope scope = CacheScope.open("acme", "u1")) {
            call.run();
            return scope.lastOutcome().orElseThrow();
        }
    }
}
