package com.example.webkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What both Spring applications (Boot 3.5 and Boot 4) are checked for, over HTTP against their embedded
 * servlet container, as a client of the application would: the agent at {@code GET /ask?q=} (answer and
 * source in JSON), the tenant in the {@code X-Tenant-Id} header, and Actuator's health, endpoint and
 * Prometheus scrape. Shared by both ITs (each pom adds this folder as a test source).
 */
public final class WebChecks {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public WebChecks(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** A response: status and JSON body (null when the body is not JSON). */
    public record Answer(int status, JsonNode body, String text) {
    }

    public Answer send(String method, String path, String tenant) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (tenant != null) {
            b.header("X-Tenant-Id", tenant);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (IOException notJson) {
            body = null;
        }
        return new Answer(r.statusCode(), body, r.body());
    }

    /** Asks the agent; returns where the answer came from. */
    public String ask(String tenant, String question) throws IOException, InterruptedException {
        Answer a = send("GET", "/ask?q=" + URLEncoder.encode(question, StandardCharsets.UTF_8), tenant);
        assertEquals(200, a.status(), a.text());
        return a.body().get("source").asText();
    }

    /** Waits until the health component says the in-process embedder has warmed up. */
    public JsonNode awaitWarm() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            Answer h = send("GET", "/actuator/health/promptcache", null);
            assertEquals(200, h.status(), "the health component answers: " + h.text());
            if (!h.body().path("details").path("warmingUp").asBoolean(true)) {
                return h.body();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still warming up after 120 s: " + h.text());
            }
            Thread.sleep(200);
        }
    }

    /**
     * The whole tour on a running application: warm-up, tiers, tenant isolation by header, the endpoint's
     * read and delete, the Prometheus scrape after a forced collection, and the health component.
     */
    public void tour() throws Exception {
        JsonNode health = awaitWarm();
        assertEquals("UP", health.get("status").asText());
        // The first paraphrase after warm-up is a semantic hit, not a degraded call.
        List<String> sources = new ArrayList<>();
        for (String q : List.of("什么是大模型？", "什么是大模型？", "大模型是什么？")) {
            sources.add(ask("acme", q));
        }
        assertEquals(List.of("llm", "exact", "semantic"), sources);
        assertEquals("llm", ask("globex", "什么是大模型？"), "another tenant's header, another namespace");
        Answer bad = send("GET", "/ask?q=hi", "x".repeat(300));
        assertEquals(400, bad.status(), "an id the scope refuses is a 400: " + bad.text());
        assertEquals("invalid tenant or user id", bad.body().get("error").asText());

        Answer read = send("GET", "/actuator/promptcache", null);
        assertEquals(200, read.status(), read.text());
        assertTrue(read.text().contains("\"tenant\":\"acme\""), read.text());

        forceCollection();
        String scrape = send("GET", "/actuator/prometheus", null).text();
        assertTrue(scrape.contains("promptcache_requests_total{") && scrape.contains("source=\"semantic\""), scrape);
        String entries = scrape.lines().filter(l -> l.startsWith("promptcache_store_entries")).findFirst()
                .orElseThrow(() -> new AssertionError("no promptcache_store_entries in the scrape"));
        double value = Double.parseDouble(entries.substring(entries.lastIndexOf(' ') + 1));
        assertFalse(Double.isNaN(value), "a number after a forced collection: " + entries);

        Answer badDelete = send("DELETE", "/actuator/promptcache?tenant=" + "x".repeat(300), null);
        assertEquals(400, badDelete.status(), badDelete.text());
        assertEquals(bad.body().get("error"), badDelete.body().get("error"), "the same 400 as the filter's");
        assertEquals(404, send("DELETE", "/actuator/promptcache?tenant=never-seen", null).status());
        Answer deleted = send("DELETE", "/actuator/promptcache?tenant=acme", null);
        assertEquals(200, deleted.status(), deleted.text());
        assertTrue(deleted.body().get("removed").asLong() >= 1);
        assertEquals("llm", ask("acme", "什么是大模型？"), "the tenant was forgotten");
        assertEquals("exact", ask("globex", "什么是大模型？"), "the other tenant kept its entry");
    }

    /** With the store down: every endpoint operation is 503 naming it, the agent still answers, health answers. */
    public void outage() throws Exception {
        assertEquals("llm", ask("acme", "什么是向量数据库？"), "answered, uncached");
        Answer read = send("GET", "/actuator/promptcache", null);
        assertEquals(503, read.status(), read.text());
        assertEquals("store", read.body().get("dependency").asText());
        Answer delete = send("DELETE", "/actuator/promptcache?tenant=acme", null);
        assertEquals(503, delete.status(), delete.text());
        assertEquals("store", delete.body().get("dependency").asText());
        Answer health = send("GET", "/actuator/health/promptcache", null);
        assertEquals(200, health.status(), health.text());
        assertEquals("UP", health.body().get("status").asText(), "a cache fault never takes the application out of service");
        assertTrue(health.body().path("details").path("dependencies").path("store").asText().startsWith("down"), health.text());
    }

    public static void forceCollection() {
        java.lang.ref.WeakReference<Object> probe = new java.lang.ref.WeakReference<>(new Object());
        for (int i = 0; i < 50 && probe.get() != null; i++) {
            System.gc();
        }
        assertTrue(probe.get() == null, "a throwaway object was collected");
    }
}
