package io.promptcache.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.promptcache.TenantErasure;
import io.promptcache.deepseek.DeepSeekSimulator;
import io.promptcache.redis.RedisCache;
import io.promptcache.redis.RedisConfig;
import io.promptcache.testing.Await;
import io.promptcache.testing.RedisProcess;
import io.promptcache.testing.TestRedis;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.promptcache.gateway.GatewayClient.body;
import static io.promptcache.gateway.GatewayClient.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each fault of the gateway, from the outside over HTTP: what the client sees, and that nothing wrong is cached. */
class GatewayFaultsTest {

    private static String key() {
        return "sk-fault-" + UUID.randomUUID();
    }

    private static Gateway memory(DeepSeekSimulator simulator, Gateway.Builder b) {
        return GatewayTest.memoryGateway(b.upstream(URI.create(simulator.baseUrl())).port(0)).build().start();
    }

    @Test
    void anUpstreamErrorIsPassedThroughWithItsStatusAndBodyAndNeverCached() throws Exception {
        try (DeepSeekSimulator simulator = DeepSeekSimulator.builder().faults(q -> q.contains("limited")
                ? DeepSeekSimulator.Fault.RATE_LIMITED : q.contains("broken") ? DeepSeekSimulator.Fault.MALFORMED_JSON
                : q.contains("cut") ? DeepSeekSimulator.Fault.CUT_STREAM : DeepSeekSimulator.Fault.NONE).start();
             Gateway gateway = memory(simulator, Gateway.builder())) {
            GatewayClient client = new GatewayClient(gateway.baseUrl());
            String key = key();
            for (String extra : List.of("", ",\"stream\":true")) {
                int before = simulator.completionRequests();
                for (int i = 0; i < 2; i++) {
                    HttpResponse<String> limited = client.chat(key, body("Am I rate limited?", extra));
                    assertEquals(429, limited.statusCode(), limited.body());
                    assertTrue(limited.body().contains("Rate limit reached"), limited.body());
                }
                assertEquals(before + 2, simulator.completionRequests(), "an error is never served from the cache");
            }
            HttpResponse<String> broken = client.chat(key, body("Is this broken?", ""));
            assertEquals(200, broken.statusCode());
            assertTrue(broken.body().startsWith("{\"id\":\"chatcmpl-broken\""), "the provider's own body, as it sent it");
            assertEquals("llm", source(client.chat(key, body("Is this broken?", ""))));

            HttpResponse<String> cut = client.chat(key, body("Will this be cut?", ",\"stream\":true"));
            assertEquals(200, cut.statusCode());
            assertTrue(cut.body().contains("\"error\""), "a stream that broke off says so: " + cut.body());
            assertFalse(cut.body().contains("[DONE]"));
            int before = simulator.completionRequests();
            client.chat(key, body("Will this be cut?", ",\"stream\":true"));
            assertEquals(before + 1, simulator.completionRequests(), "a cut stream is never stored");
        }
    }

    @Test
    void aHungUpstreamGets504AfterTheTimeoutAndAnUnreachableOne502() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!silent.isClosed()) {
                    try {
                        held.add(silent.accept()); // reads nothing, answers nothing
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            try (Gateway gateway = GatewayTest.memoryGateway(Gateway.builder()
                    .upstream(URI.create("http://127.0.0.1:" + silent.getLocalPort())).port(0)
                    .upstreamTimeout(Duration.ofMillis(400))).build().start()) {
                GatewayClient client = new GatewayClient(gateway.baseUrl());
                for (String extra : List.of("", ",\"stream\":true")) {
                    HttpResponse<String> r = client.chat(key(), body("Is anyone there?", extra));
                    assertEquals(504, r.statusCode(), r.body());
                    JsonNode error = GatewayClient.json(r).path("error");
                    assertEquals("timeout", error.path("code").asText(), r.body());
                    assertTrue(error.path("message").asText().contains("400 ms"), r.body());
                }
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (Gateway gateway = GatewayTest.memoryGateway(Gateway.builder()
                .upstream(URI.create("http://127.0.0.1:" + closedPort)).port(0)).build().start()) {
            HttpResponse<String> r = new GatewayClient(gateway.baseUrl()).chat(key(), body("Is anyone there?", ""));
            assertEquals(502, r.statusCode(), r.body());
            assertEquals("upstream_unreachable", GatewayClient.json(r).path("error").path("code").asText());
        }
    }

    @Test
    void aBurstOfIdenticalMissesIsOneUpstreamCall() throws Exception {
        try (DeepSeekSimulator simulator = DeepSeekSimulator.builder().timeToFirstToken(Duration.ofMillis(300)).start();
             Gateway gateway = memory(simulator, Gateway.builder().sharedTenant("burst"))) {
            GatewayClient client = new GatewayClient(gateway.baseUrl());
            int callers = 16;
            ExecutorService pool = Executors.newFixedThreadPool(callers);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            try {
                for (int i = 0; i < callers; i++) {
                    answers.add(pool.submit(() -> {
                        go.await();
                        return client.chat(key(), body("What does a burst of identical questions cost?", ""));
                    }));
                }
                go.countDown();
                Set<String> texts = new HashSet<>();
                for (Future<HttpResponse<String>> f : answers) {
                    HttpResponse<String> r = f.get();
                    assertEquals(200, r.statusCode(), r.body());
                    texts.add(GatewayClient.text(r));
                }
                assertEquals(1, texts.size(), "every caller got the one answer");
                assertEquals(1, simulator.completionRequests(), "one upstream call for " + callers + " callers");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void withRedisStoppedTheAnswersAreStillCorrectAndHealthSaysTheStoreIsDown() throws Exception {
        try (DeepSeekSimulator simulator = DeepSeekSimulator.builder().start(); RedisProcess redis = RedisProcess.start()) {
            RedisCache cache = RedisCache.builder().config(RedisConfig.builder().url(redis.url()).keyPrefix("gw").build()).build();
            try (Gateway gateway = Gateway.builder().upstream(URI.create(simulator.baseUrl())).port(0)
                    .cache(b -> b.cacheStore(cache.cacheStore()).embeddingStores(cache::embeddingStore))
                    .onClose(cache::close).build().start()) {
                GatewayClient client = new GatewayClient(gateway.baseUrl());
                String key = key();
                HttpResponse<String> first = client.chat(key, body("What is a prompt cache?", ""));
                assertEquals("llm", source(first));
                assertEquals("exact", source(client.chat(key, body("What is a prompt cache?", ""))));
                redis.stop();
                for (String extra : List.of("", ",\"stream\":true")) {
                    HttpResponse<String> down = client.chat(key, body("What is a prompt cache?", extra));
                    assertEquals(200, down.statusCode(), down.body());
                    assertEquals("llm", source(down));
                    String text = extra.isEmpty() ? GatewayClient.text(down) : GatewayClient.streamedText(down);
                    assertEquals(GatewayClient.text(first), text, "the provider's answer, uncached");
                }
                HttpResponse<String> ready = client.get("/health/ready");
                assertEquals(200, ready.statusCode(), "it still answers: fail-open");
                JsonNode health = GatewayClient.json(ready);
                assertEquals("DEGRADED", health.path("status").asText(), ready.body());
                assertTrue(health.path("dependencies").path("store").asText().startsWith("down"), ready.body());
            }
        }
    }

    @Test
    void aStopLetsTheRequestInFlightFinish() throws Exception {
        try (DeepSeekSimulator simulator = DeepSeekSimulator.builder().timeToFirstToken(Duration.ofMillis(1500)).start()) {
            Gateway gateway = memory(simulator, Gateway.builder());
            GatewayClient client = new GatewayClient(gateway.baseUrl());
            CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.chat(key(), body("Will I be answered while the gateway stops?", ""));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Await.until(() -> simulator.completionRequests() == 1, "the request reached the provider");
            gateway.close();
            HttpResponse<String> answered = inFlight.get();
            assertEquals(200, answered.statusCode(), answered.body());
            assertEquals("llm", source(answered));
            assertTrue(GatewayClient.text(answered).contains("stops"), answered.body());
        }
    }

    @Test
    void anErasureThroughTheAdminOperationLeavesNoKeyOrValueOfTheTenantInRedis() throws Exception {
        String prefix = TestRedis.prefix();
        String token = "erasure-token-" + UUID.randomUUID();
        try (DeepSeekSimulator simulator = DeepSeekSimulator.builder().start();
             UnifiedJedis jedis = TestRedis.config(prefix).connect()) {
            RedisCache cache = RedisCache.builder().config(TestRedis.config(prefix)).build();
            try (Gateway gateway = Gateway.builder().upstream(URI.create(simulator.baseUrl())).port(0).tenantHeader("X-Tenant")
                    .adminToken(token).cache(b -> b.cacheStore(cache.cacheStore()).embeddingStores(cache::embeddingStore))
                    .onClose(cache::close).build().start()) {
                GatewayClient client = new GatewayClient(gateway.baseUrl());
                for (String q : TenantErasure.QUESTIONS) {
                    client.chat(key(), body(q, ""), "X-Tenant", TenantErasure.VICTIM);
                    client.chat(key(), body(q, ",\"stream\":true"), "X-Tenant", TenantErasure.VICTIM);
                }
                client.chat(key(), body(TenantErasure.SURVIVOR_QUESTION, ""), "X-Tenant", TenantErasure.SURVIVOR);
                String apiKey = "sk-secret-" + UUID.randomUUID();
                HttpResponse<String> byKey = client.chat(apiKey, body("Is my API key kept anywhere?", ""));
                String keyTenant = byKey.headers().firstValue(GatewayHandler.TENANT).orElseThrow();
                List<String> everything = TenantErasure.everyKeyAndValue(jedis, prefix);
                assertTrue(everything.stream().anyMatch(v -> v.contains(keyTenant)), "the key's tenant is stored (the check can fail)");
                assertTrue(everything.stream().noneMatch(v -> v.contains(apiKey) || v.contains("sk-fault-")),
                        "no caller's API key in any Redis key or value");
                TenantErasure.scanForLeftovers(jedis, prefix, true);
                HttpResponse<String> erased = client.delete("/admin/entries?tenant=" + TenantErasure.VICTIM,
                        "Authorization", "Bearer " + token);
                assertEquals(200, erased.statusCode(), erased.body());
                TenantErasure.scanForLeftovers(jedis, prefix, false);
                assertEquals("exact", source(client.chat(key(), body(TenantErasure.SURVIVOR_QUESTION, ""),
                        "X-Tenant", TenantErasure.SURVIVOR)), "the other tenant still hits");
            } finally {
                TestRedis.clean(jedis, prefix);
            }
        }
    }

    @Test
    void slowProviderCallsRunSideBySideAndDoNotQueueBehindEachOther() throws Exception {
        int callers = 32;
        java.util.concurrent.CyclicBarrier allInFlight = new java.util.concurrent.CyclicBarrier(callers);
        com.sun.net.httpserver.HttpServer slow = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        slow.setExecutor(Executors.newFixedThreadPool(callers * 2));
        slow.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            int status = 200;
            try {
                allInFlight.await(20, java.util.concurrent.TimeUnit.SECONDS); // answers once every caller is waiting on it
            } catch (Exception notAllArrived) {
                status = 503;
            }
            byte[] body = ("{\"id\":\"x\",\"object\":\"chat.completion\",\"model\":\"deepseek-chat\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        slow.start();
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try (Gateway gateway = GatewayTest.memoryGateway(Gateway.builder()
                .upstream(URI.create("http://127.0.0.1:" + slow.getAddress().getPort())).port(0)).build().start()) {
            GatewayClient client = new GatewayClient(gateway.baseUrl());
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                String question = "Distinct slow question number " + i + "?";
                answers.add(pool.submit(() -> client.chat(key(), body(question, ""))));
            }
            for (Future<HttpResponse<String>> f : answers) {
                assertEquals(200, f.get().statusCode(), "every call was with the provider at once: " + f.get().body());
            }
        } finally {
            pool.shutdownNow();
            slow.stop(0);
        }
    }
}
