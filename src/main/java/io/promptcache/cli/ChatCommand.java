package io.promptcache.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.promptcache.CacheOutcome;
import io.promptcache.CacheScope;
import io.promptcache.CacheSource;
import io.promptcache.deepseek.DeepSeekSimulator;
import io.promptcache.redis.RedisCache;
import io.promptcache.prefix.CacheAccounting;
import io.promptcache.prefix.ProviderCacheUsage;
import dev.langchain4j.model.embedding.EmbeddingModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code promptcache chat}: a multi-turn chat with the demo agent, showing where every answer came from. */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = {"Chat with the demo agent through the cache. A blank line starts a new conversation.",
                "Lines may start with a command:",
                "  /refresh QUESTION   ask the model again and replace the cached answer",
                "  /nocache QUESTION   do not read the cache for this question (the answer is still stored)",
                "  /nostore QUESTION   never store this answer",
                "  /wrong              report the last answer, served from the cache, as wrong: its entry is removed",
                "                      and, for a semantic hit, the two questions are never matched again"})
public final class ChatCommand implements Callable<Integer> {

    /** Keeps the documented field order (the canonical mapper would sort it). */
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON_LINES = new com.fasterxml.jackson.databind.ObjectMapper();

    @Option(names = "--script", paramLabel = "FILE",
            description = "Read user messages from FILE, one per line; a blank line starts a new conversation.")
    Path script;

    @Option(names = "--user", paramLabel = "ID", defaultValue = "demo-user", description = "User id (default: ${DEFAULT-VALUE}).")
    String user;

    @Option(names = "--tenant", paramLabel = "ID", defaultValue = "demo", description = "Tenant id (default: ${DEFAULT-VALUE}).")
    String tenant;

    @Option(names = "--offline", description = "Use the offline DeepSeek simulator even when DEEPSEEK_API_KEY is set.")
    boolean offline;

    @Option(names = "--json", description = "Print one JSON object per turn instead of text.")
    boolean json;

    @Option(names = "--stream", description = "Stream answers token by token (CachingStreamingChatModel).")
    boolean stream;

    @Option(names = "--threshold", paramLabel = "COSINE", description = "Semantic similarity threshold (default: the shipped operating point).")
    Double threshold;

    @Option(names = "--sim-ttft-ms", paramLabel = "MS", defaultValue = "1000",
            description = "Simulator: time to first token in ms (default: ${DEFAULT-VALUE}).")
    long simTtftMs;

    @Option(names = "--sim-tokens-per-second", paramLabel = "N", defaultValue = "30",
            description = "Simulator: output tokens per second, 0 for no delay (default: ${DEFAULT-VALUE}).")
    double simTokensPerSecond;

    @Option(names = "--self-calibration",
            description = "Each vector space learns its own threshold from a judge: the chat model itself (DeepSeek, or the "
                    + "simulator offline). Shows its state at the end and on /calibration.")
    boolean selfCalibration;

    @Option(names = "--judge-labels", paramLabel = "FILE",
            description = "Offline: the simulator judges pairs as the labels of this pairs file say (text_a<TAB>text_b<TAB>0|1), "
                    + "and cannot tell for any other pair. Implies --self-calibration.")
    Path judgeLabels;

    @Option(names = "--verifiers", paramLabel = "shipped|guards", defaultValue = "shipped",
            description = "The verifier chain of the semantic tier: each model's shipped chain, or the lexical and context "
                    + "guards only (default: ${DEFAULT-VALUE}).")
    String verifiers;

    @Option(names = "--max-wrong-share", paramLabel = "SHARE", defaultValue = "0.05",
            description = "Self-calibration: share of served semantic hits allowed to be wrong (default: ${DEFAULT-VALUE}).")
    double maxWrongShare;

    @Option(names = "--min-judged", paramLabel = "N", defaultValue = "100",
            description = "Self-calibration: judged pairs a space needs before it serves at a learnt threshold (default: ${DEFAULT-VALUE}).")
    int minJudged;

    @Option(names = "--metrics", description = "At the end, print the session's meters in Prometheus text format.")
    boolean metrics;

    @Mixin
    StoreOptions storeOptions = new StoreOptions();

    @Mixin
    EmbeddingOptions embeddingOptions = new EmbeddingOptions();

    /** A script's serving sample is drawn from this seed, so the same script judges the same candidates. */
    static final long SCRIPT_SAMPLING_SEED = 20_261_204L;

    /** Exit status when the model failed on some turns (the cache never fails a turn). */
    static final int MODEL_FAILED = 3;

    private final PrintStream out;
    private final Map<String, String> env;
    private HealthReport health;
    private int failedTurns;
    private io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry;
    private Turn lastTurn;

    public ChatCommand() {
        this(System.out, System.getenv());
    }

    ChatCommand(PrintStream out, Map<String, String> env) {
        this.out = out;
        this.env = env;
    }

    @Override
    public Integer call() throws IOException {
        // The script is read first: a missing file or one that is not UTF-8 says so (file and line) before anything starts.
        List<String> scriptLines = script == null ? List.of() : io.promptcache.quality.TextFiles.readLines(script);
        EmbeddingModel embedder = embeddingOptions.create(env);
        health = new HealthReport(storeOptions.where(), embeddingOptions.where(env), StatusLine.stderr());
        WarmUp.run(embedder, stream);
        RedisCache redis = storeOptions.openRedis(embedder == null ? null : embeddingOptions.dimension(embedder));
        DeepSeekSimulator.Builder simulator = DeepSeekSimulator.builder()
                .timeToFirstToken(Duration.ofMillis(simTtftMs)).tokensPerSecond(simTokensPerSecond);
        if (!verifiers.equals("shipped") && !verifiers.equals("guards")) {
            throw new IllegalArgumentException("--verifiers must be shipped or guards, was '" + verifiers + "'");
        }
        io.promptcache.calibration.SelfCalibration calibration = calibrationSettings(simulator);
        try (redis; DemoAgent agent = DemoAgent.start(offline, stream, env, simulator, b -> {
            storeOptions.apply(b, redis, embedder);
            if (threshold != null) {
                b.similarityThreshold(threshold);
            }
            if (calibration != null) {
                b.selfCalibration(calibration);
            }
            if (verifiers.equals("guards")) {
                b.verifiers(io.promptcache.semantic.LexicalGuard.defaults(), new io.promptcache.semantic.ContextDependenceGuard());
            }
        })) {
            registry = metrics ? prometheus(agent) : null;
            if (!json) {
                out.println(agent.offline()
                        ? "PromptCache demo · offline DeepSeek simulator · blank line = new conversation, Ctrl-D to quit"
                        : "PromptCache demo · DeepSeek · blank line = new conversation, Ctrl-D to quit");
            }
            try (BufferedReader in = script != null
                    ? new BufferedReader(new java.io.StringReader(String.join("\n", scriptLines)))
                    : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                run(agent, in, script == null && !json);
            }
            printSummary(agent.accounting(), json ? System.err : out);
            printCalibration(agent, json ? System.err : out);
            if (registry != null) {
                (json ? System.err : out).print(registry.scrape());
            }
        }
        return failedTurns == 0 ? 0 : MODEL_FAILED;
    }

    /** Self-calibration's settings (options checked before anything starts), with the labels judge offline. */
    private io.promptcache.calibration.SelfCalibration calibrationSettings(DeepSeekSimulator.Builder simulator) throws IOException {
        if (!selfCalibration && judgeLabels == null) {
            return null;
        }
        io.promptcache.calibration.SelfCalibration.Builder b;
        try {
            b = io.promptcache.calibration.SelfCalibration.builder().maxWrongShare(maxWrongShare).minJudged(minJudged)
                    .maxPairs(Math.max(minJudged, io.promptcache.calibration.SelfCalibration.DEFAULT_MAX_PAIRS));
        } catch (IllegalArgumentException bad) {
            throw new IllegalArgumentException("--max-wrong-share/--min-judged: " + bad.getMessage(), bad);
        }
        if (script != null) {
            b.samplingSeed(SCRIPT_SAMPLING_SEED); // with the wait after each line (run), a script's run is repeatable
        }
        if (judgeLabels != null) {
            simulator.judge(new io.promptcache.deepseek.LabelledJudge(io.promptcache.quality.LabelledPair.read(judgeLabels)));
        }
        return b.build();
    }

    /** Each space's calibration once the judge has caught up: numbers only. */
    private static void printCalibration(DemoAgent agent, PrintStream to) {
        io.promptcache.calibration.SelfCalibrator calibrator = agent.cachingModel().selfCalibrator();
        if (calibrator == null) {
            return;
        }
        if (!awaitJudge(agent)) {
            to.println("   (self-calibration is still judging)");
        }
        for (String line : calibrationLines(calibrator)) {
            to.println("   " + line);
        }
    }

    static List<String> calibrationLines(io.promptcache.calibration.SelfCalibrator calibrator) {
        List<String> lines = new java.util.ArrayList<>();
        for (String space : calibrator.spaces()) {
            io.promptcache.calibration.CalibrationState st = calibrator.state(space);
            io.promptcache.calibration.SelfCalibrator.Counts c = calibrator.counts(space);
            double t = calibrator.threshold(space);
            lines.add(String.format(java.util.Locale.ROOT,
                    "self-calibration %s: %s, threshold %s, %d judged pairs (%d wrong), wrong-share bound %.3f of %.3f allowed; "
                            + "judge calls same %d, different %d, no verdict %d; not judged: %d rejected by the verifiers, %d over budget",
                    space, st.phase().name().toLowerCase(java.util.Locale.ROOT),
                    Double.isInfinite(t) ? "none (serves nothing)" : String.format(java.util.Locale.ROOT, "%.4f", t),
                    st.judged(), st.judgedWrong(), st.bound(), calibrator.settings().maxWrongShare(),
                    c.judgeCalls("same"), c.judgeCalls("different"), c.judgeCalls("failed"), c.rejectedByVerifiers(), c.dropped()));
        }
        return lines;
    }

    /** A Prometheus registry with the agent's caching model bound to it. */
    private static io.micrometer.prometheusmetrics.PrometheusMeterRegistry prometheus(DemoAgent agent) {
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry =
                new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        io.promptcache.metrics.PromptCacheMeters.bind(agent.cachingModel(), registry);
        return registry;
    }

    /** The session's totals: prompt tokens, the provider's hit ratio, and the cost with and without both caches. */
    static void printSummary(CacheAccounting.Snapshot a, PrintStream to) {
        to.printf("-- session: %d model calls, %d answered from our cache%n", a.modelCalls(), a.cachedCalls());
        to.printf("   prompt tokens %d (DeepSeek cache hit %d, miss %d), hit ratio %.3f; output tokens %d%n",
                a.promptTokens(), a.providerHitTokens(), a.providerMissTokens(), a.providerHitRatio(), a.outputTokens());
        to.printf("   estimated cost $%.6f; without DeepSeek's prefix cache $%.6f; without either cache $%.6f%n",
                a.cost(), a.costWithoutProviderCache(), a.costWithoutCaches());
    }

    private void run(DemoAgent agent, BufferedReader in, boolean interactive) throws IOException {
        int conversation = 1;
        int turn = 0;
        String line;
        if (interactive) {
            out.print("you> ");
            out.flush();
        }
        while ((line = in.readLine()) != null) {
            String question = line.strip();
            if (question.isEmpty()) {
                if (turn > 0) {
                    conversation++;
                    turn = 0;
                    if (interactive) {
                        out.println("-- new conversation --");
                    }
                }
            } else if (question.startsWith("/")) {
                Command command = Command.parse(question);
                if (question.equals("/calibration")) {
                    io.promptcache.calibration.SelfCalibrator calibrator = agent.cachingModel().selfCalibrator();
                    printNote("calibration", calibrator == null ? "self-calibration is off (--self-calibration turns it on)"
                            : String.join("; ", calibrationLines(calibrator)));
                } else if (command == null) {
                    printNote("error", "unknown command '" + question.split("\\s+")[0]
                            + "'; known: /refresh, /nocache, /nostore QUESTION, /wrong, /calibration");
                } else if (command.wrong()) {
                    reportWrong(agent);
                } else {
                    turn++;
                    askSafely(agent, conversation, turn, command.question(), command.control());
                }
            } else {
                turn++;
                askSafely(agent, conversation, turn, question, io.promptcache.CacheControl.DEFAULT);
            }
            if (script != null) {
                awaitJudge(agent);
            }
            if (interactive) {
                out.print("you> ");
                out.flush();
            }
        }
    }

    /**
     * A script waits for self-calibration's background judge after each line, so each question meets the state
     * that every earlier one left: the same script learns the same threshold on every run. Typed chat never waits.
     * Also used before the closing notes. False when the judge was still busy after two minutes.
     */
    private static boolean awaitJudge(DemoAgent agent) {
        io.promptcache.calibration.SelfCalibrator calibrator = agent.cachingModel().selfCalibrator();
        if (calibrator == null) {
            return true;
        }
        try {
            calibrator.awaitIdle(Duration.ofMinutes(2));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (IllegalStateException stillBusy) {
            return false; // the judge is slow: the run goes on, as typed chat would
        }
    }

    /** A line that starts with a command: a control for its question, or /wrong. */
    record Command(boolean wrong, io.promptcache.CacheControl control, String question) {

        static Command parse(String line) {
            String[] parts = line.split("\\s+", 2);
            String rest = parts.length > 1 ? parts[1].strip() : "";
            return switch (parts[0]) {
                case "/wrong" -> rest.isEmpty() ? new Command(true, null, null) : null;
                case "/refresh" -> rest.isEmpty() ? null : new Command(false, io.promptcache.CacheControl.REFRESH, rest);
                case "/nocache" -> rest.isEmpty() ? null : new Command(false, io.promptcache.CacheControl.NO_CACHE, rest);
                case "/nostore" -> rest.isEmpty() ? null : new Command(false, io.promptcache.CacheControl.NO_STORE, rest);
                default -> null;
            };
        }
    }

    private void reportWrong(DemoAgent agent) throws JsonProcessingException {
        CacheOutcome served = lastTurn == null ? null : lastTurn.outcomes().stream()
                .filter(o -> o.source().cached()).reduce((a, b) -> b).orElse(null);
        if (served == null) {
            printNote("error", "the last answer came from the model, not from the cache: there is nothing to report");
            return;
        }
        try {
            agent.cachingModel().reportWrong(served);
            printNote("wrong", served.source() == CacheSource.SEMANTIC
                    ? "removed the entry; the two questions are never matched again"
                    : "removed the entry");
        } catch (RuntimeException e) {
            printNote("error", "could not report the answer: " + FaultMessages.describe(e));
        }
    }

    private void printNote(String kind, String message) throws JsonProcessingException {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("command", kind);
            m.put("message", message);
            out.println(JSON_LINES.writeValueAsString(m));
        } else {
            out.println("  [" + kind + ": " + message + "]");
        }
    }

    private void askSafely(DemoAgent agent, int conversation, int turn, String question, io.promptcache.CacheControl control)
            throws IOException {
        try {
            lastTurn = ask(agent, conversation, turn, question, control);
            print(lastTurn);
        } catch (RuntimeException modelFault) {
            // The model's own error (the cache never raises one): say it, and go on with the next line.
            failedTurns++;
            lastTurn = null;
            printError(conversation, turn, question, modelFault);
        }
        health.report(agent.metrics());
    }

    private void printError(int conversation, int turn, String question, RuntimeException error)
            throws JsonProcessingException {
        String message = FaultMessages.describe(error);
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("conversation", conversation);
            m.put("turn", turn);
            m.put("user", user);
            m.put("question", question);
            m.put("source", "error");
            m.put("error", message);
            out.println(JSON_LINES.writeValueAsString(m));
        } else {
            out.println("assistant> [the model failed: " + message + "]");
        }
    }

    private Turn ask(DemoAgent agent, int conversation, int turn, String question, io.promptcache.CacheControl control) {
        String memoryId = user + "#" + conversation;
        try (CacheScope scope = CacheScope.open(tenant, user).control(control)) {
            long start = System.nanoTime();
            boolean live = stream && !json;
            if (live) {
                out.print("assistant> ");
            }
            DemoAgent.Answer answer = agent.ask(memoryId, question, token -> {
                if (live) {
                    out.print(token);
                    out.flush();
                }
            });
            double latencyMs = (System.nanoTime() - start) / 1e6;
            if (live) {
                out.println();
            }
            return new Turn(conversation, turn, question, answer.text(), scope.outcomes(), latencyMs,
                    answer.firstTokenMs(), live);
        }
    }

    private void print(Turn t) throws JsonProcessingException {
        if (json) {
            out.println(JSON_LINES.writeValueAsString(t.toJson(user)));
            return;
        }
        if (!t.printedLive()) {
            out.println("assistant> " + t.answer());
        }
        StringBuilder meta = new StringBuilder("  [").append(t.source().wireName());
        if (t.similarity() != null) {
            meta.append(String.format(" %.3f ← \"%s\"", t.similarity(), t.matchedQuestion()));
        }
        meta.append(String.format(" · %.1f ms", t.latencyMs()));
        if (t.firstTokenMs() != null) {
            meta.append(String.format(" · first token %.1f ms", t.firstTokenMs()));
        }
        ProviderCacheUsage usage = t.providerUsage();
        if (usage.known()) {
            meta.append(" · DeepSeek cache hit ").append(usage.hitTokens()).append(" / miss ")
                    .append(usage.missTokens()).append(" tokens");
        }
        out.println(meta.append(']'));
    }

    /** One question and its answer, with what the cache did for every model call of the turn. */
    record Turn(int conversation, int turn, String question, String answer, List<CacheOutcome> outcomes,
                double latencyMs, Double firstTokenMs, boolean printedLive) {

        /** The turn is an LLM turn if any of its model calls reached the model. */
        CacheSource source() {
            if (outcomes.isEmpty()) {
                return CacheSource.LLM;
            }
            for (CacheOutcome o : outcomes) {
                if (o.source() == CacheSource.LLM) {
                    return CacheSource.LLM;
                }
            }
            return outcomes.get(outcomes.size() - 1).source();
        }

        Double similarity() {
            return source() == CacheSource.SEMANTIC ? outcomes.get(outcomes.size() - 1).similarity() : null;
        }

        String matchedQuestion() {
            return source() == CacheSource.SEMANTIC ? outcomes.get(outcomes.size() - 1).matchedQuestion() : null;
        }

        ProviderCacheUsage providerUsage() {
            ProviderCacheUsage total = ProviderCacheUsage.NONE;
            for (CacheOutcome o : outcomes) {
                total = total.plus(o.providerUsage());
            }
            return total;
        }

        private static double round(double ms) {
            return Math.round(ms * 100) / 100.0;
        }

        Map<String, Object> toJson(String user) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("conversation", conversation);
            m.put("turn", turn);
            m.put("user", user);
            m.put("question", question);
            m.put("answer", answer);
            m.put("source", source().wireName());
            m.put("similarity", similarity());
            m.put("matchedQuestion", matchedQuestion());
            m.put("latencyMs", round(latencyMs));
            m.put("firstTokenMs", firstTokenMs == null ? null : round(firstTokenMs));
            ProviderCacheUsage usage = providerUsage();
            m.put("promptCacheHitTokens", usage.hitTokens());
            m.put("promptCacheMissTokens", usage.missTokens());
            java.util.Set<String> degraded = new java.util.TreeSet<>();
            for (CacheOutcome o : outcomes) {
                o.degradedBy().forEach(d -> degraded.add(d.wireName()));
                if (o.warmingUp()) {
                    degraded.add("embedder_warm_up");
                }
            }
            m.put("degraded", List.copyOf(degraded));
            return m;
        }
    }
}
