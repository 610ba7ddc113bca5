package com.example.agent;

import com.example.webkit.WebChecks;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What only a Spring AI application has, checked over HTTP on Redis: a streamed answer replayed on a hit, Spring AI's
 * tool loop through the cache, and the LangChain4j model of the same application cached beside it. (The tour every
 * Spring front door passes, tiers, tenants, endpoint, meters, health, runs from src/it/web-test-kit.)
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SpringAiAgentTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        AgentTestSupport.properties(registry, AgentTestSupport.redisUrl());
    }

    @Autowired
    Environment environment;

    private WebChecks web;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void warm() throws Exception {
        web = new WebChecks(environment.getRequiredProperty("local.server.port", Integer.class));
        web.awaitWarm();
    }

    /** A streamed answer: the text in chunks and, last, where it came from. */
    record Streamed(List<String> chunks, String source) {
        String text() {
            return String.join("", chunks);
        }
    }

    private Streamed stream(String tenant, String question) throws Exception {
        int port = environment.getRequiredProperty("local.server.port", Integer.class);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/stream?q="
                        + URLEncoder.encode(question, StandardCharsets.UTF_8)))
                .header("X-Tenant-Id", tenant).header("Accept", "text/event-stream").timeout(Duration.ofSeconds(60)).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode(), r.body());
        List<String> chunks = new ArrayList<>();
        String source = null;
        String event = null;
        List<String> data = new ArrayList<>();
        for (String line : (r.body() + "\n\n").split("\n", -1)) {
            if (line.isEmpty()) {
                if (event != null) {
                    String value = String.join("\n", data);
                    if (event.equals("chunk")) {
                        chunks.add(value);
                    } else if (event.equals("source")) {
                        source = value;
                    }
                }
                event = null;
                data.clear();
            } else if (line.startsWith("event:")) {
                event = line.substring(6).strip();
            } else if (line.startsWith("data:")) {
                data.add(line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5));
            }
        }
        return new Streamed(chunks, source);
    }

    @Test
    void aStreamedAnswerIsReplayedOnAHit() throws Exception {
        Streamed first = stream("streams", "什么是检索增强生成？");
        assertEquals("llm", first.source());
        Streamed again = stream("streams", "什么是检索增强生成？");
        assertEquals("exact", again.source());
        assertEquals(first.text(), again.text(), "the replay is the answer that was streamed");
        assertTrue(again.chunks().size() > 1, "replayed in chunks, not as one block: " + again.chunks());
        Streamed paraphrase = stream("streams", "检索增强生成是什么？");
        assertEquals("semantic", paraphrase.source());
        assertEquals(first.text(), paraphrase.text());
        assertEquals("llm", stream("other-streams", "什么是检索增强生成？").source(), "another tenant's stream");
        assertEquals("exact", web.ask("streams", "什么是检索增强生成？"), "a streamed answer serves a blocking call");
    }

    @Test
    void theToolLoopRunsThroughTheCache() throws Exception {
        int providerBefore = AgentTestSupport.SIMULATOR.completionRequests();
        int toolBefore = toolCalls();
        WebChecks.Answer first = web.send("GET", "/ask?q=" + URLEncoder.encode("What is 12*7?", StandardCharsets.UTF_8), "tools");
        assertEquals(200, first.status(), first.text());
        assertEquals("llm", first.body().get("source").asText());
        assertTrue(first.body().get("answer").asText().contains("84"), "the tool's result reached the answer: " + first.text());
        assertEquals(toolBefore + 1, toolCalls(), "the tool ran");
        assertEquals(providerBefore + 2, AgentTestSupport.SIMULATOR.completionRequests(), "two round trips: the tool call, then the answer");

        WebChecks.Answer repeat = web.send("GET", "/ask?q=" + URLEncoder.encode("What is 12*7?", StandardCharsets.UTF_8), "tools");
        assertEquals(200, repeat.status(), repeat.text());
        assertEquals(first.body().get("answer").asText(), repeat.body().get("answer").asText());
        assertEquals("exact", repeat.body().get("source").asText(), "the answer after the tool result, from the cache");
        assertEquals(toolBefore + 2, toolCalls(), "the tool still runs: an answer that asks for a tool call is not stored by default");
        assertEquals(providerBefore + 3, AgentTestSupport.SIMULATOR.completionRequests(),
                "one round trip to the provider (the tool call), the second answered from cache");
    }

    @Test
    void theLangChain4jModelOfTheSameApplicationIsCachedBesideIt() throws Exception {
        String q = "什么是向量检索？";
        assertEquals(List.of("llm", "exact"), List.of(langchain4j("both", q), langchain4j("both", q)));
        WebChecks.Answer read = web.send("GET", "/actuator/promptcache", null);
        assertEquals(200, read.status(), read.text());
        assertTrue(read.text().contains("openAiChatModel") && read.text().contains("openAiChatModel-stream")
                && read.text().contains("langchain4jModel"), "both frameworks' models on the endpoint: " + read.text());
        WebChecks.forceCollection();
        String scrape = web.send("GET", "/actuator/prometheus", null).text();
        assertTrue(scrape.contains("bean=\"openAiChatModel\"") && scrape.contains("bean=\"langchain4jModel\""),
                "meters of both, told apart by bean: " + scrape.lines().filter(l -> l.startsWith("promptcache_requests")).toList());
    }

    @Test
    void deepSeeksPrefixCacheTokensAreReadThroughSpringAi() throws Exception {
        // The same long question from two tenants: the cache must ask the provider twice (tenants never share an
        // answer), and the provider serves the second prompt from its own prefix cache and says so in its usage.
        String q = "Please explain, step by step and with one short example for each step, how a semantic cache "
                + "decides whether a new question may be answered with the stored answer of an earlier question, "
                + "what can go wrong when negations, numbers or named entities differ between the two questions, "
                + "and how a threshold on cosine similarity is chosen from labelled pairs of questions.";
        double before = providerTokens("hit");
        int providerBefore = AgentTestSupport.SIMULATOR.completionRequests();
        assertEquals("llm", web.ask("prefix-a", q));
        assertEquals("llm", web.ask("prefix-b", q));
        assertEquals(providerBefore + 2, AgentTestSupport.SIMULATOR.completionRequests());
        double hit = providerTokens("hit") - before;
        assertTrue(hit >= 64, "DeepSeek's prompt_cache_hit_tokens of the second call reached the meters: " + hit);
        assertTrue(providerTokens("miss") > 0, "and the first call's prompt_cache_miss_tokens");
    }

    /** {@code promptcache.provider.prompt.tokens} of the Spring AI model, for {@code cache} hit or miss. */
    private double providerTokens(String cache) throws Exception {
        WebChecks.forceCollection();
        String scrape = web.send("GET", "/actuator/prometheus", null).text();
        return scrape.lines()
                .filter(l -> l.startsWith("promptcache_provider_prompt_tokens_total{") && l.contains("bean=\"openAiChatModel\"")
                        && l.contains("cache=\"" + cache + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private String langchain4j(String tenant, String question) throws Exception {
        WebChecks.Answer a = web.send("GET", "/langchain4j/ask?q=" + URLEncoder.encode(question, StandardCharsets.UTF_8), tenant);
        assertEquals(200, a.status(), a.text());
        return a.body().get("source").asText();
    }

    private int toolCalls() throws Exception {
        JsonNode body = web.send("GET", "/tools/calls", null).body();
        return body.get("calls").asInt();
    }
}
