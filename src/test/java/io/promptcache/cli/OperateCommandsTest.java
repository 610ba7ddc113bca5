package io.promptcache.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.promptcache.CacheScope;
import io.promptcache.CacheSource;
import io.promptcache.CachingChatModel;
import io.promptcache.quality.LabelledPair;
import io.promptcache.redis.RedisCache;
import io.promptcache.redis.RedisCacheStore;
import io.promptcache.store.CacheEntry;
import io.promptcache.store.StoredResponse;
import io.promptcache.testing.Await;
import io.promptcache.testing.SimulatedDeepSeek;
import io.promptcache.testing.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's commands against a real Redis: the chat commands /wrong and /refresh, entries, clear
 * with its filters and --dry-run (seen by a second instance's vector index), and feedback export.
 */
class OperateCommandsTest {

    final String prefix = TestRedis.prefix();
    final String store = TestRedis.url();
    final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void clean() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        try (var jedis = TestRedis.config(prefix).connect()) {
            TestRedis.clean(jedis, prefix);
        }
    }

    record Run(int code, String out) {
        List<JsonNode> json() throws Exception {
            List<JsonNode> lines = new ArrayList<>();
            for (String l : out.split("\n")) {
                if (l.startsWith("{")) {
                    lines.add(new ObjectMapper().readTree(l));
                }
            }
            return lines;
        }
    }

    Run run(Object command, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--store", store, "--key-prefix", prefix));
        return runRaw(command, all.toArray(String[]::new));
    }

    static Run runRaw(Object command, String... args) {
        io.promptcache.testing.Commands.Run run = io.promptcache.testing.Commands.run(command, args);
        return new Run(run.code(), run.out());
    }

    static PrintStream to(ByteArrayOutputStream bytes) {
        return io.promptcache.testing.Commands.to(bytes);
    }

    List<String> chat(Path dir, String script) throws Exception {
        Path file = dir.resolve("script-" + System.nanoTime() + ".txt");
        Files.writeString(file, script);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = new CommandLine(new ChatCommand(to(bytes), Map.of())).execute("--offline", "--json", "--sim-ttft-ms", "0",
                "--sim-tokens-per-second", "0", "--script", file.toString(), "--store", store, "--key-prefix", prefix);
        assertEquals(0, code);
        List<String> sources = new ArrayList<>();
        for (JsonNode n : new Run(code, bytes.toString(StandardCharsets.UTF_8)).json()) {
            sources.add(n.has("source") ? n.get("source").asText() : "/" + n.get("command").asText());
        }
        return sources;
    }

    @Test
    void wrongAnswersAreVetoedBothWaysThenListedExportedAndCleared(@TempDir Path dir) throws Exception {
        assertEquals(List.of("llm", "semantic", "/wrong", "llm", "llm"),
                chat(dir, "什么是大模型？\n\n大模型是什么？\n/wrong\n\n大模型是什么？\n\n什么是大模型？\n"));

        ByteArrayOutputStream exported = new ByteArrayOutputStream();
        assertEquals(0, runRaw(new FeedbackCommand.Export(to(exported)), "--store", store, "--key-prefix", prefix).code());
        String pairs = exported.toString(StandardCharsets.UTF_8);
        assertEquals("大模型是什么？\t什么是大模型？\t0\n", pairs);
        Path file = dir.resolve("feedback.tsv");
        Files.writeString(file, pairs);
        assertEquals(List.of(new LabelledPair("大模型是什么？", "什么是大模型？", false)), LabelledPair.read(file),
                "the export reads back as calibrate's input");

        ByteArrayOutputStream listed = new ByteArrayOutputStream();
        assertEquals(0, runRaw(new EntriesCommand(to(listed)), "--json", "--sort", "hits", "--store", store, "--key-prefix", prefix).code());
        List<JsonNode> entries = new Run(0, listed.toString(StandardCharsets.UTF_8)).json();
        assertEquals(2, entries.size());
        for (JsonNode e : entries) {
            for (String field : List.of("tenant", "id", "question", "hits", "createdAt", "lastAccessAt", "expiresAt", "sizeBytes", "model")) {
                assertTrue(e.has(field), field + " in " + e);
            }
        }

        ByteArrayOutputStream dry = new ByteArrayOutputStream();
        runRaw(new ClearCommand(to(dry)), "--tenant", "demo", "--question", "什么是大模型？", "--dry-run", "--store", store, "--key-prefix", prefix);
        assertTrue(dry.toString(StandardCharsets.UTF_8).contains("would remove 1 entries"), dry.toString(StandardCharsets.UTF_8));
        ByteArrayOutputStream cleared = new ByteArrayOutputStream();
        runRaw(new ClearCommand(to(cleared)), "--tenant", "demo", "--question", "什么是大模型？", "--store", store, "--key-prefix", prefix);
        assertTrue(cleared.toString(StandardCharsets.UTF_8).contains("removed 1 entries"));
        assertEquals(List.of("exact", "llm"), chat(dir, "大模型是什么？\n\n什么是大模型？\n"),
                "exactly that entry went: the other is still there");
    }

    @Test
    void refreshAndNoStoreFromTheChat(@TempDir Path dir) throws Exception {
        assertEquals(List.of("llm", "llm", "exact", "llm", "llm"),
                chat(dir, "什么是向量？\n\n/refresh 什么是向量？\n\n什么是向量？\n\n/nostore 什么是缓存？\n\n什么是缓存？\n"));
        assertEquals(List.of("/error", "exact"), chat(dir, "/bogus 什么是向量？\n什么是向量？\n"),
                "an unknown command is an error line, and nothing else happens");
    }

    @Test
    void badClearOptionsRemoveNothing() {
        CachingChatModel model = model();
        ask(model, "什么是大模型？");
        assertEquals(2, run(new ClearCommand(to(new ByteArrayOutputStream())), "--older-than", "soon").code());
        assertEquals(2, run(new ClearCommand(to(new ByteArrayOutputStream())), "--question", "什么是大模型？").code(),
                "--question needs --tenant");
        assertEquals(2, run(new ClearCommand(to(new ByteArrayOutputStream())), "--tenant", "ops", "--question",
                "长".repeat(ClearCommand.MAX_QUESTION_CHARS + 1)).code());
        assertEquals(1, runRaw(new ClearCommand(to(new ByteArrayOutputStream())), "--store", "redis://127.0.0.1:1", "--tenant", "ops").code(),
                "Redis down: a clear failure, not half a removal");
        assertEquals(CacheSource.EXACT, ask(model, "什么是大模型？"), "nothing was removed");
    }

    @Test
    void clearByModelAndAgeAndEntryReachesAnotherInstancesIndex() throws Exception {
        CachingChatModel model = model();
        RedisCache other = RedisCache.builder().config(TestRedis.config(prefix)).dimension(512).build();
        closing.add(other);
        ask(model, "什么是大模型？");
        ask(model, "什么是知识图谱？");
        Await.until(() -> other.embeddingStore().localSize() == 2);

        ByteArrayOutputStream none = new ByteArrayOutputStream();
        run(new ClearCommand(to(none)), "--older-than", "1h");
        assertTrue(none.toString(StandardCharsets.UTF_8).contains("removed 0 entries"), "nothing is an hour old");
        ByteArrayOutputStream otherModel = new ByteArrayOutputStream();
        run(new ClearCommand(to(otherModel)), "--model", "gpt-4o");
        assertTrue(otherModel.toString(StandardCharsets.UTF_8).contains("removed 0 entries"));

        ByteArrayOutputStream entries = new ByteArrayOutputStream();
        runRaw(new EntriesCommand(to(entries)), "--json", "--tenant", "ops", "--store", store, "--key-prefix", prefix);
        String firstId = new Run(0, entries.toString(StandardCharsets.UTF_8)).json().get(0).get("id").asText();
        ByteArrayOutputStream oneEntry = new ByteArrayOutputStream();
        run(new ClearCommand(to(oneEntry)), "--tenant", "ops", "--entry", firstId);
        assertTrue(oneEntry.toString(StandardCharsets.UTF_8).contains("removed 1 entries"));
        Await.until(() -> other.embeddingStore().localSize() == 1);
        ask(model, "什么是大模型？");
        ask(model, "什么是知识图谱？");

        ByteArrayOutputStream byModel = new ByteArrayOutputStream();
        run(new ClearCommand(to(byModel)), "--model", "deepseek-chat", "--tenant", "ops");
        assertTrue(byModel.toString(StandardCharsets.UTF_8).contains("removed 2 entries"), byModel.toString(StandardCharsets.UTF_8));
        Await.until(() -> other.embeddingStore().localSize() == 0);
        assertEquals(CacheSource.LLM, ask(model, "什么是大模型？"));
    }

    @Test
    void clearTakesTheIdThatEntriesShowsAnyUniquePrefixAndRefusesAnAmbiguousOne() throws Exception {
        try (RedisCacheStore cache = RedisCacheStore.builder().config(TestRedis.config(prefix)).build()) {
            for (String id : List.of("c88a840b26aa01", "c88a840b26bb02", "d00d")) {
                cache.put(new CacheEntry(id, "acme", "scope", "问题 " + id,
                        new StoredResponse("答案", null, "STOP", 10, 5, 15, "deepseek-chat", "r", List.of()), null, 0, 0, 0, 0),
                        Duration.ofHours(1));
            }
        }
        ByteArrayOutputStream listed = new ByteArrayOutputStream();
        assertEquals(0, runRaw(new EntriesCommand(to(listed)), "--tenant", "acme", "--store", store, "--key-prefix", prefix).code());
        assertTrue(listed.toString(StandardCharsets.UTF_8).contains("c88a840b26 "), "entries shows ten characters:\n" + listed);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Run ambiguous = run(new ClearCommand(to(out), to(err)), "--tenant", "acme", "--entry", "c88a840b26");
        assertEquals(2, ambiguous.code());
        assertEquals("promptcache clear: --entry c88a840b26 matches 2 entries of tenant acme: c88a840b26aa01, c88a840b26bb02; "
                + "give more of the id\n", err.toString(StandardCharsets.UTF_8));
        assertEquals(3, keysOf("acme"), "an ambiguous id removes nothing");

        err.reset();
        Run missing = run(new ClearCommand(to(out), to(err)), "--tenant", "acme", "--entry", "ffff");
        assertEquals(1, missing.code(), "nothing matched an explicit id");
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no entry of tenant acme has an id starting with ffff"), err.toString());

        out.reset();
        Run one = run(new ClearCommand(to(out), to(err)), "--tenant", "acme", "--entry", "c88a840b26a");
        assertEquals(0, one.code());
        assertEquals("removed 1 entries\n", out.toString(StandardCharsets.UTF_8));
        out.reset();
        assertEquals(0, run(new ClearCommand(to(out), to(err)), "--tenant", "acme", "--entry", "d00d").code(), "a whole id");
        assertEquals("removed 1 entries\n", out.toString(StandardCharsets.UTF_8));
        assertEquals(1, keysOf("acme"));
        assertEquals(2, run(new ClearCommand(to(out), to(err)), "--tenant", "acme", "--entry", " ").code(), "a blank id");
    }

    long keysOf(String tenant) {
        try (RedisCacheStore cache = RedisCacheStore.builder().config(TestRedis.config(prefix)).build()) {
            return cache.stats(tenant).entries();
        }
    }

    CachingChatModel model() {
        SimulatedDeepSeek deepSeek = new SimulatedDeepSeek();
        RedisCache redis = RedisCache.builder().config(TestRedis.config(prefix)).dimension(512).build();
        closing.add(deepSeek);
        closing.add(redis);
        return CachingChatModel.builder().delegate(deepSeek.chatModel()).cacheStore(redis.cacheStore())
                .embeddingStore(redis.embeddingStore()).lookupTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10))
                .build();
    }

    static CacheSource ask(CachingChatModel model, String question) {
        try (CacheScope scope = CacheScope.open("ops")) {
            model.chat(ChatRequest.builder().messages(SystemMessage.from("你是一个助手。"), UserMessage.from(question)).build());
            return scope.lastOutcome().orElseThrow().source();
        }
    }
}
