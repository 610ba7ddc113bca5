package io.promptcache.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.promptcache.deepseek.DeepSeekSimulator;
import io.promptcache.store.InMemoryCacheStore;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import io.promptcache.embedding.InProcessModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpResponse;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.promptcache.gateway.GatewayClient.body;
import static io.promptcache.gateway.GatewayClient.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway from the outside: a real HTTP client against a gateway on a real port, in front of the DeepSeek
 * simulator on its own port, with the in-process embedder. Each test calls with its own API key, so its own tenant.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayTest {

    private DeepSeekSimulator simulator;
    private Gateway gateway;
    private GatewayClient client;

    @BeforeAll
    void start() throws InterruptedException {
        simulator = DeepSeekSimulator.builder().start();
        gateway = memoryGateway(Gateway.builder().upstream(java.net.URI.create(simulator.baseUrl())).port(0)
                .tenantHeader("X-Tenant")).build().start();
        warm(gateway);
        client = new GatewayClient(gateway.baseUrl());
    }

    @AfterAll
    void stop() {
        gateway.close();
        simulator.close();
    }

    /** One in-memory cache shared by the blocking and the streaming model, as the command builds it. */
    static Gateway.Builder memoryGateway(Gateway.Builder b) {
        InMemoryCacheStore store = InMemoryCacheStore.builder().build();
        Map<InProcessModel, EmbeddingStore<TextSegment>> vectors = new EnumMap<>(InProcessModel.class);
        return b.cache(each -> each.cacheStore(store).embeddingStores(m -> {
            synchronized (vectors) {
                return vectors.computeIfAbsent(m, k -> new InMemoryEmbeddingStore<>());
            }
        }));
    }

    /** Waits until the embedder has loaded: until then the semantic tier is skipped, as in the library. */
    static Gateway warm(Gateway gateway) throws InterruptedException {
        io.promptcache.testing.Await.until(() -> !gateway.chat().warmingUp() && !gateway.streaming().warmingUp(),
                "the embedder has loaded");
        return gateway;
    }

    private static String key() {
        return "sk-test-" + UUID.randomUUID();
    }

    @Test
    void answersFromTheProviderThenExactThenSemanticBlockingAndStreamed() throws Exception {
        String key = key();
        HttpResponse<String> first = client.chat(key, body("How do I reset my password?", ""));
        assertEquals(200, first.statusCode(), first.body());
        assertEquals("llm", source(first));
        assertTrue(first.headers().firstValue(GatewayHandler.ENTRY).isPresent(), "the stored entry is named");
        HttpResponse<String> repeat = client.chat(key, body("How do I reset my password?", ""));
        assertEquals("exact", source(repeat));
        assertEquals(GatewayClient.text(first), GatewayClient.text(repeat), "the hit is the provider's answer");
        JsonNode shape = GatewayClient.json(repeat);
        assertEquals("chat.completion", shape.path("object").asText());
        assertTrue(shape.path("id").asText().startsWith("chatcmpl-"));
        assertEquals("stop", shape.path("choices").path(0).path("finish_reason").asText());
        assertTrue(shape.path("usage").path("total_tokens").asInt() > 0);
        HttpResponse<String> paraphrase = client.chat(key, body("How can I reset my password?", ""));
        assertEquals("semantic", source(paraphrase));
        assertEquals(GatewayClient.text(first), GatewayClient.text(paraphrase));
        assertEquals(first.headers().firstValue(GatewayHandler.ENTRY), paraphrase.headers().firstValue(GatewayHandler.ENTRY));

        // streamed: the same three sources, and a hit spells out the same text as the miss that stored it
        String streamed = key();
        HttpResponse<String> miss = client.chat(streamed, body("Why is the sky blue?", ",\"stream\":true"));
        assertEquals("llm", source(miss));
        assertTrue(miss.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<String> events = GatewayClient.events(miss);
        assertEquals("[DONE]", events.get(events.size() - 1));
        HttpResponse<String> hit = client.chat(streamed, body("Why is the sky blue?", ",\"stream\":true"));
        assertEquals("exact", source(hit));
        assertFalse(GatewayClient.streamedText(miss).isBlank());
        assertEquals(GatewayClient.streamedText(miss), GatewayClient.streamedText(hit));
        assertEquals(GatewayClient.text(client.chat(streamed, body("Why is the sky blue?", ""))),
                GatewayClient.streamedText(miss), "a blocking call is served what the stream stored");
    }

    @Test
    void theUsageChunkComesWhenTheClientAsksForIt() throws Exception {
        String key = key();
        String ask = body("What is a vector database?", ",\"stream\":true,\"stream_options\":{\"include_usage\":true}");
        for (String expected : List.of("llm", "exact")) {
            HttpResponse<String> r = client.chat(key, ask);
            assertEquals(expected, source(r));
            List<String> events = GatewayClient.events(r);
            JsonNode last = GatewayClient.JSON.readTree(events.get(events.size() - 2));
            assertTrue(last.path("choices").isArray() && last.path("choices").isEmpty(), last.toString());
            assertTrue(last.path("usage").path("completion_tokens").asInt() > 0, last.toString());
        }
        HttpResponse<String> without = client.chat(key, body("What is a vector database?", ",\"stream\":true"));
        assertFalse(without.body().contains("\"usage\""), "no usage unless asked");
    }

    @Test
    void twoApiKeysNeverShareAndTheTenantHeaderSeparatesTenants() throws Exception {
        String question = body("What is retrieval-augmented generation?", "");
        String a = key();
        assertEquals("llm", source(client.chat(a, question)));
        assertEquals("exact", source(client.chat(a, question)));
        HttpResponse<String> other = client.chat(key(), question);
        assertEquals("llm", source(other), "another API key is another tenant");
        String tenant = other.headers().firstValue(GatewayHandler.TENANT).orElse("");
        assertTrue(tenant.matches("key-[0-9a-f]{32}"), "a hash of the key, never the key: " + tenant);

        String shared = key();
        assertEquals("llm", source(client.chat(shared, question, "X-Tenant", "tenant-one-" + shared)));
        assertEquals("exact", source(client.chat(key(), question, "X-Tenant", "tenant-one-" + shared)),
                "the named tenant, whatever the key");
        assertEquals("llm", source(client.chat(shared, question, "X-Tenant", "tenant-two-" + shared)));
    }

    @Test
    void everyFieldTheProviderReadsSplitsTheKeyAndWhatOneAnswerCannotStandForIsNotCached() throws Exception {
        String key = key();
        assertEquals("llm", source(client.chat(key, body("Name a prime number.", ",\"temperature\":0.2"))));
        assertEquals("exact", source(client.chat(key, body("Name a prime number.", ",\"temperature\":0.2"))));
        assertEquals("llm", source(client.chat(key, body("Name a prime number.", ",\"temperature\":0.9"))));
        assertEquals("llm", source(client.chat(key, body("Name a prime number.", ",\"temperature\":0.2,\"seed\":7"))),
                "a field the cache has no name for still splits the key");
        HttpResponse<String> several = client.chat(key, body("Name a prime number.", ",\"temperature\":0.2,\"n\":2"));
        assertEquals("llm", source(several));
        assertEquals("n other than 1", several.headers().firstValue(GatewayHandler.NOT_CACHED).orElse(""));
        String image = "{\"model\":\"deepseek-chat\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"What is this?\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.invalid/a.png\"}}]}]}";
        int before = simulator.completionRequests();
        client.chat(key, image);
        HttpResponse<String> again = client.chat(key, image);
        assertEquals("llm", source(again));
        assertEquals(before + 2, simulator.completionRequests(), "an image part is passed through, never cached");
    }

    @Test
    void cacheControlRefreshesSkipsStorageAndBypasses() throws Exception {
        String key = key();
        String ask = body("What is a token?", "");
        assertEquals("llm", source(client.chat(key, ask, "Cache-Control", "no-store")));
        assertEquals("llm", source(client.chat(key, ask)), "no-store stored nothing");
        assertEquals("exact", source(client.chat(key, ask)));
        assertEquals("llm", source(client.chat(key, ask, "Cache-Control", "no-cache")), "no-cache asks the provider again");
        HttpResponse<String> bypass = client.chat(key, ask, "X-PromptCache-Control", "bypass");
        assertEquals("llm", source(bypass));
        assertEquals("bypass", bypass.headers().firstValue(GatewayHandler.NOT_CACHED).orElse(""));
        HttpResponse<String> bad = client.chat(key, ask, "X-PromptCache-Control", "sometimes");
        assertEquals(400, bad.statusCode());
        assertTrue(GatewayClient.json(bad).path("error").path("message").asText().contains("sometimes"));
    }

    @Test
    void aToolRoundTripPassesThroughAndItsFinalAnswerIsCached() throws Exception {
        String key = key();
        String tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"calculator\",\"description\":\"Evaluates arithmetic\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{\"expression\":{\"type\":\"string\"}},\"required\":[\"expression\"]}}}]";
        String ask = body("What is 12 * 7?", tools);
        HttpResponse<String> call = client.chat(key, ask);
        assertEquals(200, call.statusCode(), call.body());
        JsonNode toolCall = GatewayClient.json(call).path("choices").path(0).path("message").path("tool_calls").path(0);
        assertEquals("calculator", toolCall.path("function").path("name").asText(), call.body());
        assertEquals("llm", source(client.chat(key, ask)), "a tool call is not stored, as in the library's default");
        String withResult = "{\"model\":\"deepseek-chat\",\"messages\":[{\"role\":\"system\",\"content\":\"You are concise.\"},"
                + "{\"role\":\"user\",\"content\":\"What is 12 * 7?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"refusal\":null,\"tool_calls\":[" + toolCall + "]},"
                + "{\"role\":\"tool\",\"tool_call_id\":" + GatewayClient.quote(toolCall.path("id").asText()) + ",\"content\":\"84\"}]" + tools + "}";
        HttpResponse<String> answer = client.chat(key, withResult);
        assertEquals("llm", source(answer));
        assertTrue(GatewayClient.text(answer).contains("84"), answer.body());
        HttpResponse<String> repeat = client.chat(key, withResult);
        assertEquals("exact", source(repeat));
        assertEquals(GatewayClient.text(answer), GatewayClient.text(repeat));
        HttpResponse<String> streamedCall = client.chat(key, body("What is 12 * 7?", tools + ",\"stream\":true"));
        assertTrue(streamedCall.body().contains("\"tool_calls\""), streamedCall.body());
        assertTrue(streamedCall.body().contains("\"finish_reason\":\"tool_calls\""), streamedCall.body());
    }

    @Test
    void badInputGetsOpenAisErrorShapeNamingTheProblem() throws Exception {
        String key = key();
        HttpResponse<String> notJson = client.chat(key, "this is not json");
        assertEquals(400, notJson.statusCode());
        JsonNode error = GatewayClient.json(notJson).path("error");
        assertEquals("invalid_request_error", error.path("type").asText());
        assertTrue(error.path("message").asText().contains("not valid JSON"), error.toString());

        HttpResponse<String> noMessages = client.chat(key, "{\"model\":\"deepseek-chat\"}");
        assertEquals(400, noMessages.statusCode());
        assertEquals("messages", GatewayClient.json(noMessages).path("error").path("param").asText());
        assertTrue(GatewayClient.json(noMessages).path("error").path("message").asText().contains("'messages'"));

        HttpResponse<String> noRole = client.chat(key, "{\"model\":\"deepseek-chat\",\"messages\":[{\"content\":\"hi\"}]}");
        assertEquals(400, noRole.statusCode());
        assertEquals("messages[0].role", GatewayClient.json(noRole).path("error").path("param").asText());

        HttpResponse<String> get = client.get("/v1/chat/completions");
        assertEquals(405, get.statusCode());
        HttpResponse<String> unknown = client.get("/nowhere");
        assertEquals(404, unknown.statusCode());
        assertTrue(GatewayClient.json(unknown).path("error").path("message").asText().contains("/nowhere"));
    }

    @Test
    void aBodyOverTheLimitGets413() throws Exception {
        try (Gateway small = memoryGateway(Gateway.builder().upstream(java.net.URI.create(simulator.baseUrl())).port(0)
                .maxBodyBytes(2048)).build().start()) {
            GatewayClient c = new GatewayClient(small.baseUrl());
            int before = simulator.completionRequests();
            HttpResponse<String> big = c.chat(key(), body("x".repeat(5000), ""));
            assertEquals(413, big.statusCode());
            assertTrue(GatewayClient.json(big).path("error").path("message").asText().contains("2048"));
            assertEquals(before, simulator.completionRequests(), "nothing went upstream");
            assertEquals(200, c.chat(key(), body("A short question?", "")).statusCode());
        }
    }

    @Test
    void modelsAndOtherV1PathsGoToTheProviderUnchanged() throws Exception {
        HttpResponse<String> models = client.get("/v1/models", "Authorization", "Bearer " + key());
        assertEquals(200, models.statusCode());
        assertEquals("deepseek-chat", GatewayClient.json(models).path("data").path(0).path("id").asText());
        HttpResponse<String> other = client.post("/v1/embeddings", "{\"input\":\"x\"}", "Authorization", "Bearer " + key());
        assertEquals(404, other.statusCode(), "the provider's own answer, passed through");
        assertTrue(other.body().contains("not found"), other.body());
    }

    @Test
    void metricsAndHealthSpeakTheLibrarysNames() throws Exception {
        client.chat(key(), body("What is an embedding?", ""));
        HttpResponse<String> metrics = client.get("/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("promptcache_requests_total{bean=\"gateway-chat\""), metrics.body());
        assertFalse(metrics.body().contains("sk-test-"), "no API key in a meter");
        HttpResponse<String> ready = client.get("/health/ready");
        assertEquals(200, ready.statusCode());
        assertEquals("UP", GatewayClient.json(ready).path("status").asText(), ready.body());
        assertEquals(200, client.get("/health/live").statusCode());
    }

    @Test
    void adminOperationsNeedTheTokenAndAreOffWithoutOne() throws Exception {
        assertEquals(404, client.get("/admin/stats").statusCode(), "off without --admin-token-file");
        String token = "admin-token-" + UUID.randomUUID();
        try (Gateway admin = memoryGateway(Gateway.builder().upstream(java.net.URI.create(simulator.baseUrl())).port(0)
                .tenantHeader("X-Tenant").adminToken(token)).build().start()) {
            GatewayClient c = new GatewayClient(admin.baseUrl());
            c.chat(key(), body("What is a large language model?", ""), "X-Tenant", "acme");
            for (String expected : List.of("llm", "exact", "exact", "exact")) { // the third on: a known body
                assertEquals(expected, source(c.chat(key(), body("What is a GPU?", ""), "X-Tenant", "acme")));
            }
            assertEquals(1, admin.known().size(), "the body that hit is remembered");
            c.chat(key(), body("What is a large language model?", ""), "X-Tenant", "globex");
            assertEquals(401, c.get("/admin/stats", "Authorization", "Bearer wrong-token-123456").statusCode());
            String auth = "Bearer " + token;
            JsonNode stats = GatewayClient.json(c.get("/admin/stats", "Authorization", auth));
            assertEquals(2, stats.path("tenants").size(), stats.toString());
            JsonNode entries = GatewayClient.json(c.get("/admin/entries?tenant=acme", "Authorization", auth));
            assertEquals(2, entries.path("entries").size(), entries.toString());
            HttpResponse<String> byQuestion = c.delete("/admin/entries?tenant=acme&question=What%20is%20a%20GPU%3F", "Authorization", auth);
            assertEquals(200, byQuestion.statusCode(), byQuestion.body());
            assertEquals(1, GatewayClient.json(byQuestion).path("removed").asInt());
            assertEquals("llm", source(c.chat(key(), body("What is a GPU?", ""), "X-Tenant", "acme")),
                    "an erased entry is not served, even to a body the gateway remembers");
            HttpResponse<String> tenant = c.delete("/admin/entries?tenant=acme", "Authorization", auth);
            assertEquals(200, tenant.statusCode(), tenant.body());
            assertEquals("llm", source(c.chat(key(), body("What is a large language model?", ""), "X-Tenant", "acme")));
            assertEquals("exact", source(c.chat(key(), body("What is a large language model?", ""), "X-Tenant", "globex")),
                    "another tenant keeps its entries");
            assertEquals(400, c.delete("/admin/entries", "Authorization", auth).statusCode());
        }
    }

    @Test
    void aStreamedHitAndMissCarryTheEntryOfTheAnswer() throws Exception {
        String key = key();
        HttpResponse<String> blocking = client.chat(key, body("What is a cache?", ""));
        HttpResponse<String> streamed = client.chat(key, body("What is a cache?", ",\"stream\":true"));
        assertEquals("exact", source(streamed));
        assertEquals(blocking.headers().firstValue(GatewayHandler.ENTRY), streamed.headers().firstValue(GatewayHandler.ENTRY));
        assertNotEquals("(none)", source(streamed));
    }

    @Test
    void aStreamedMissNamesItsEntryInATrailer() throws Exception {
        String key = key();
        String ask = body("Why is grass green?", ",\"stream\":true");
        java.net.URI base = java.net.URI.create(gateway.baseUrl());
        String raw;
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            byte[] bytes = ask.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: application/json\r\nTE: trailers\r\nConnection: close\r\nContent-Length: "
                    + bytes.length + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().write(bytes);
            raw = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertTrue(raw.contains("X-PromptCache-Source: llm"), raw);
        assertTrue(raw.contains("Trailer: X-PromptCache-Entry"), raw);
        java.util.regex.Matcher trailer = java.util.regex.Pattern.compile("\r\n0\r\nX-PromptCache-Entry: ([0-9a-f]{64})\r\n").matcher(raw);
        assertTrue(trailer.find(), "the last chunk carries the entry: " + raw.substring(Math.max(0, raw.length() - 300)));
        HttpResponse<String> hit = client.chat(key, body("Why is grass green?", ""));
        assertEquals("exact", source(hit));
        assertEquals(trailer.group(1), hit.headers().firstValue(GatewayHandler.ENTRY).orElse(""), "the entry the miss stored");
    }
}
