package com.example.agent;

import com.example.webkit.RedisScan;
import com.example.webkit.WebChecks;
import com.fasterxml.jackson.databind.JsonNode;
import io.promptcache.redis.RedisKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import redis.clients.jedis.UnifiedJedis;

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

    private static String keyPrefix;

    @BeforeEach
    void warm() throws Exception {
        keyPrefix = environment.getRequiredProperty("promptcache.store.key-prefix");
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

    @Test
    void erasingATenantLeavesNothingOfItInRedis() throws Exception {
        // Everything a tenant can leave: a blocking answer and its paraphrase, a streamed answer, the tool loop, and
        // the LangChain4j model of the same application.
        String tenant = "erase-spring-ai";
        List<String> questions = List.of("什么是大模型？", "大模型是什么？", "什么是语义缓存？", "What is 6*7?",
                "什么是前缀缓存？");
        assertEquals("llm", web.ask(tenant, questions.get(0)));
        assertEquals("semantic", web.ask(tenant, questions.get(1)));
        assertEquals("llm", stream(tenant, questions.get(2)).source());
        assertEquals("llm", web.ask(tenant, questions.get(3)));
        assertEquals("llm", langchain4j(tenant, questions.get(4)));
        String survivorQuestion = "什么是知识蒸馏？"; // none of the tenant's, so the scan tells the two apart
        assertEquals("llm", web.ask("erase-survivor", survivorQuestion));

        String prefix = environment.getRequiredProperty("promptcache.store.key-prefix");
        try (UnifiedJedis jedis = new UnifiedJedis(AgentTestSupport.redisUrl())) {
            assertFalse(leftovers(jedis, prefix, tenant, questions).isEmpty(),
                    "before the erasure the scan finds the tenant (so the check can fail)");
            WebChecks.Answer erased = web.send("DELETE", "/actuator/promptcache?tenant=" + tenant, null);
            assertEquals(200, erased.status(), erased.text());
            List<String> left = List.of();
            for (int i = 0; i < 50; i++) { // vectors of a LOCAL index are removed just after the entries
                left = leftovers(jedis, prefix, tenant, questions);
                if (left.isEmpty()) {
                    break;
                }
                Thread.sleep(100);
            }
            assertEquals(List.of(), left, "nothing of the tenant is left in Redis");
        }
        assertEquals("llm", web.ask(tenant, questions.get(0)), "the tenant starts afresh");
        assertEquals("exact", web.ask("erase-survivor", survivorQuestion), "another tenant kept its entry");
    }

    /** Every key under the prefix (SCAN, never KEYS) and every value in it that names the tenant or holds its questions. */
    private static List<String> leftovers(UnifiedJedis jedis, String prefix, String tenant, List<String> questions) {
        String tag = RedisKeys.tenantTag(tenant);
        List<String> found = new ArrayList<>();
        RedisScan.each(jedis, prefix, (key, values) -> {
            if (key.contains(tag)) {
                found.add("key " + key);
            }
            for (String value : values) {
                if (value.contains(tenant)) {
                    found.add("the tenant id in " + key);
                }
                questions.stream().filter(value::contains).forEach(q -> found.add("'" + q + "' in " + key));
            }
        });
        return found;
    }

    /** Removes this class's keys when it is done. */
    @AfterAll
    static void cleanUp() {
        if (keyPrefix != null) {
            RedisScan.deleteAll(AgentTestSupport.redisUrl(), keyPrefix);
        }
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
