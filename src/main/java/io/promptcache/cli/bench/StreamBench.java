package io.promptcache.cli.bench;

import io.promptcache.cli.StatusLine;
import io.promptcache.cli.WarmUp;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.embedding.EmbeddingModel;
import io.promptcache.CacheOutcome;
import io.promptcache.CacheScope;
import io.promptcache.CacheSource;
import io.promptcache.CachingStreamingChatModel;
import io.promptcache.deepseek.DeepSeek;
import io.promptcache.deepseek.DeepSeekSimulator;
import io.promptcache.embedding.EmbeddingModels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code promptcache bench stream}: first-token and total latency of streamed answers, for misses
 * (the simulator at a realistic pace), exact hits and semantic hits, and the hit/miss ratios. Each
 * question is asked once as a miss, then again verbatim (exact) and as a paraphrase (semantic).
 */
@Command(name = "stream", mixinStandardHelpOptions = true,
        description = "Streaming latency: misses against the simulator versus exact and semantic hits.")
public final class StreamBench implements Callable<Integer> {

    private static final String[] TOPICS = {"大模型", "向量数据库", "语义缓存", "提示词工程", "知识图谱", "强化学习",
            "迁移学习", "注意力机制", "词向量", "模型蒸馏", "混合专家模型", "检索增强生成", "分布式训练", "量化推理",
            "张量并行", "梯度下降", "过拟合", "交叉熵", "卷积神经网络", "循环神经网络"};

    @Option(names = "--questions", defaultValue = "20", description = "Questions measured (at most 20; default: ${DEFAULT-VALUE}).")
    int questions;

    @Option(names = "--ttft-ms", defaultValue = "1000", description = "Simulated time to first token (default: ${DEFAULT-VALUE}).")
    long ttftMs;

    @Option(names = "--tokens-per-second", defaultValue = "30", description = "Simulated output rate (default: ${DEFAULT-VALUE}).")
    double tokensPerSecond;

    @Option(names = "--warm-up", defaultValue = "40", description = "Unmeasured hit lookups run first, so the JIT is warm (default: ${DEFAULT-VALUE}).")
    int warmUp;

    private final PrintStream out = System.out;

    private final StatusLine status = StatusLine.stderr();

    @Override
    public Integer call() throws Exception {
        int n = Math.max(1, Math.min(questions, TOPICS.length));
        EmbeddingModel embedder = EmbeddingModels.inProcess();
        WarmUp.run(embedder, true);
        try (DeepSeekSimulator sim = DeepSeekSimulator.builder()
                .timeToFirstToken(Duration.ofMillis(ttftMs)).tokensPerSecond(tokensPerSecond).start()) {
            CachingStreamingChatModel model = CachingStreamingChatModel.builder()
                    .delegate(DeepSeek.streamingChatModel(DeepSeek.simulator(sim)))
                    .embeddingModel(embedder).build();
            Map<CacheSource, List<Double>> first = new EnumMap<>(CacheSource.class);
            Map<CacheSource, List<Double>> total = new EnumMap<>(CacheSource.class);
            for (CacheSource s : CacheSource.values()) {
                first.put(s, new ArrayList<>());
                total.put(s, new ArrayList<>());
            }
            for (int i = 0; i < n; i++) {
                status.progress(String.format("question %d/%d", i + 1, n));
                measure(model, "什么是" + TOPICS[i] + "？", first, total);       // miss
            }
            for (int i = 0; i < warmUp; i++) {
                measure(model, "什么是" + TOPICS[i % n] + "？", null, null);     // unmeasured hits
            }
            for (int i = 0; i < n; i++) {
                measure(model, "什么是" + TOPICS[i] + "？", first, total);       // exact
                measure(model, TOPICS[i] + "是什么？", first, total);            // semantic
            }
            status.clear();
            report(first, total);
        }
        return 0;
    }

    private static void measure(CachingStreamingChatModel model, String question,
                                Map<CacheSource, List<Double>> first, Map<CacheSource, List<Double>> total) throws Exception {
        ChatRequest request = ChatRequest.builder()
                .messages(SystemMessage.from("你是一个简洁的中文助手。"), UserMessage.from(question)).build();
        long start = System.nanoTime();
        try (CacheScope scope = CacheScope.open("bench")) {
            StreamedAnswer answer = new StreamedAnswer();
            model.chat(request, answer);
            answer.await(120, TimeUnit.SECONDS);
            long end = System.nanoTime();
            CacheOutcome outcome = scope.lastOutcome().orElseThrow();
            if (first != null) {
                first.get(outcome.source()).add((answer.firstPartialNanos() - start) / 1e6);
                total.get(outcome.source()).add((end - start) / 1e6);
            }
        }
    }

    private void report(Map<CacheSource, List<Double>> first, Map<CacheSource, List<Double>> total) {
        out.printf("%nstreamed answers: simulator at %d ms to first token, %.0f tokens/s%n", ttftMs, tokensPerSecond);
        out.printf("%-9s %5s %14s %14s %14s %14s%n", "source", "n", "first p50 ms", "first p90 ms", "total p50 ms", "total p90 ms");
        for (CacheSource s : CacheSource.values()) {
            Stats f = Stats.of(first.get(s));
            Stats t = Stats.of(total.get(s));
            out.printf("%-9s %5d %14.2f %14.2f %14.2f %14.2f%n", s.wireName(), f.n(), f.p50(), f.p90(), t.p50(), t.p90());
        }
        Stats missFirst = Stats.of(first.get(CacheSource.LLM));
        Stats missTotal = Stats.of(total.get(CacheSource.LLM));
        for (CacheSource s : List.of(CacheSource.EXACT, CacheSource.SEMANTIC)) {
            Stats f = Stats.of(first.get(s));
            Stats t = Stats.of(total.get(s));
            out.printf("%s / llm: first token %.4f, total %.4f (p50 ratios)%n", s.wireName(),
                    f.p50() / missFirst.p50(), t.p50() / missTotal.p50());
        }
    }
}
