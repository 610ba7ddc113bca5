package io.promptcache.deepseek;

import io.promptcache.prefix.TokenEstimator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.promptcache.key.Sha256;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An offline DeepSeek: an HTTP server on the loopback interface that speaks DeepSeek's
 * {@code /chat/completions} wire format, plain JSON and SSE streaming, with {@code usage} carrying
 * {@code prompt_cache_hit_tokens} and {@code prompt_cache_miss_tokens}. Answers are deterministic;
 * latency is a time to first token and then a token rate. The real {@code OpenAiChatModel} talks
 * to it over HTTP exactly as it would to DeepSeek.
 */
public final class DeepSeekSimulator implements AutoCloseable {

    /** A failure the simulator can inject, chosen per request from the last user message. */
    public enum Fault {
        NONE,
        /** Answer HTTP 500 with an error body. */
        SERVER_ERROR,
        /** Stream part of the answer, then end the stream with no finish reason and no [DONE]. */
        CUT_STREAM,
        /** Answer HTTP 429 with DeepSeek's rate-limit error body. */
        RATE_LIMITED,
        /** Answer HTTP 200 with a body that is not JSON. */
        MALFORMED_JSON
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        // The JDK's HTTP server writes headers and body apart; without TCP_NODELAY, Nagle's algorithm and the
        // client's delayed ACK add about 40 ms to every answer, which is not DeepSeek's latency but ours.
        // Read once, when the JDK's server classes load; a value set by the application is kept.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }
    private static final Pattern ARITHMETIC = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([-+*/×÷])\\s*(\\d+(?:\\.\\d+)?)");
    private static final Pattern TIME_WORDS = Pattern.compile("几点|时间|日期|今天|现在|\\btime\\b|\\bdate\\b|\\btoday\\b",
            Pattern.CASE_INSENSITIVE);
    private static final int MAX_RECORDED = 1000;

    private final HttpServer server;
    private final ExecutorService executor;
    private final Duration timeToFirstToken;
    private final double tokensPerSecond;
    private final Function<String, Fault> faults;
    private final java.util.function.BiFunction<String, String, Boolean> judge;
    private final SimulatedPrefixCache prefixCache;
    private final List<String> requestBodies = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger completions = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong();

    private DeepSeekSimulator(Builder b) throws IOException {
        this.timeToFirstToken = b.timeToFirstToken;
        this.tokensPerSecond = b.tokensPerSecond;
        this.faults = b.faults;
        this.judge = b.judge;
        this.prefixCache = new SimulatedPrefixCache(b.cacheTtl, b.clock);
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "deepseek-simulator-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), b.port), 64);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Base URL to give {@code OpenAiChatModel.builder().baseUrl(...)}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** How many {@code /chat/completions} requests arrived. */
    public int completionRequests() {
        return completions.get();
    }

    /** Raw bodies of the requests received, oldest first (at most the last 1000). */
    public List<String> requestBodies() {
        synchronized (requestBodies) {
            return List.copyOf(requestBodies);
        }
    }

    /** Forgets the provider prefix cache, as if its entries had expired. */
    public void clearPrefixCache() {
        prefixCache.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if ("GET".equals(exchange.getRequestMethod()) && path.endsWith("/models")) {
                // DeepSeek's model list, as GET /models answers it
                send(exchange, 200, "{\"object\":\"list\",\"data\":[{\"id\":\"deepseek-chat\",\"object\":\"model\","
                        + "\"owned_by\":\"deepseek\"},{\"id\":\"deepseek-reasoner\",\"object\":\"model\",\"owned_by\":\"deepseek\"}]}");
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod()) || !path.endsWith("/chat/completions")) {
                send(exchange, 404, "{\"error\":{\"message\":\"not found\",\"type\":\"invalid_request_error\"}}");
                return;
            }
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            completions.incrementAndGet();
            synchronized (requestBodies) {
                if (requestBodies.size() >= MAX_RECORDED) {
                    requestBodies.remove(0);
                }
                requestBodies.add(body);
            }
            JsonNode request;
            try {
                request = JSON.readTree(body);
            } catch (IOException e) {
                send(exchange, 400, "{\"error\":{\"message\":\"invalid JSON\",\"type\":\"invalid_request_error\"}}");
                return;
            }
            if (!request.path("messages").isArray() || request.path("messages").isEmpty()) {
                send(exchange, 400, "{\"error\":{\"message\":\"messages must be a non-empty array\",\"type\":\"invalid_request_error\"}}");
                return;
            }
            Reply reply = reply(request);
            Fault fault = faults.apply(reply.question == null ? "" : reply.question);
            if (fault == Fault.SERVER_ERROR) {
                send(exchange, 500, "{\"error\":{\"message\":\"simulated server error\",\"type\":\"server_error\"}}");
                return;
            }
            if (fault == Fault.RATE_LIMITED) {
                send(exchange, 429, "{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"rate_limit_error\"}}");
                return;
            }
            if (fault == Fault.MALFORMED_JSON) {
                send(exchange, 200, "{\"id\":\"chatcmpl-broken\",\"choices\":[{\"message\":");
                return;
            }
            String prompt = render(request);
            int promptTokens = TokenEstimator.count(prompt);
            int hit = Math.min(prefixCache.hitTokens(prompt), promptTokens);
            ObjectNode usage = usage(promptTokens, hit, reply.completionTokens());
            if (request.path("stream").asBoolean(false)) {
                stream(exchange, request, reply, usage, fault == Fault.CUT_STREAM);
            } else {
                sleep(timeToFirstToken.toMillis() + delayMillis(reply.completionTokens()));
                send(exchange, 200, JSON.writeValueAsString(completion(request, reply, usage)));
            }
            if (fault == Fault.NONE) {
                prefixCache.store(prompt, prompt + "<|assistant|>" + reply.renderedOutput());
            }
        }
    }

    /** Decides what to answer: a tool call, an answer after a tool result, or a plain answer. */
    private Reply reply(JsonNode request) {
        JsonNode messages = request.path("messages");
        JsonNode last = messages.get(messages.size() - 1);
        String role = last.path("role").asText();
        String question = lastUserText(messages);
        boolean reasoner = request.path("model").asText("").contains("reasoner");
        if ("tool".equals(role)) {
            String toolName = toolNameFor(messages, last.path("tool_call_id").asText());
            String text = SimulatedAnswers.afterTool(toolName, last.path("content").asText(),
                    SimulatedAnswers.isChinese(question == null ? "" : question));
            return Reply.text(question, text, reasoner ? SimulatedAnswers.thinking(text) : null, request);
        }
        if (question != null && request.path("tools").isArray()) {
            for (JsonNode tool : request.path("tools")) {
                JsonNode fn = tool.path("function");
                String name = fn.path("name").asText();
                String lower = name.toLowerCase(Locale.ROOT);
                String firstParam = firstParameter(fn);
                if (lower.contains("time") && TIME_WORDS.matcher(question).find()) {
                    return Reply.toolCall(question, name, "{}", callId(question, name));
                }
                Matcher m = ARITHMETIC.matcher(question);
                if (lower.contains("calc") && m.find() && firstParam != null) {
                    ObjectNode args = JSON.createObjectNode().put(firstParam, m.group(1) + m.group(2) + m.group(3));
                    return Reply.toolCall(question, name, args.toString(), callId(question, name));
                }
            }
        }
        String verdict = judgeVerdict(messages, question);
        if (verdict != null) {
            return Reply.text(question, verdict, null, request);
        }
        String text = SimulatedAnswers.answer(question == null ? "" : question);
        return Reply.text(question, text, reasoner ? SimulatedAnswers.thinking(question == null ? "" : question) : null,
                request);
    }

    /**
     * The answer to {@code LlmJudgeVerifier}'s question, when a judge was given and this is that question: yes or
     * no as the judge decides, and a sentence that is no verdict when it cannot tell.
     */
    private String judgeVerdict(JsonNode messages, String question) {
        if (judge == null || question == null || messages.size() != 2
                || !io.promptcache.semantic.LlmJudgeVerifier.isJudgeInstructions(messages.get(0).path("content").asText())) {
            return null;
        }
        Matcher m = JUDGE_QUESTION.matcher(question);
        if (!m.matches()) {
            return null;
        }
        Boolean same = judge.apply(m.group(1), m.group(2));
        return same == null ? "I cannot tell." : same ? "yes" : "no";
    }

    private static final Pattern JUDGE_QUESTION = Pattern.compile("Question 1: (.*)\nQuestion 2: (.*)", Pattern.DOTALL);

    private static String callId(String question, String tool) {
        return "call_" + Sha256.hex(question + "|" + tool).substring(0, 24);
    }

    private static String firstParameter(JsonNode fn) {
        JsonNode props = fn.path("parameters").path("properties");
        return props.isObject() && props.fieldNames().hasNext() ? props.fieldNames().next() : null;
    }

    private static String toolNameFor(JsonNode messages, String callId) {
        for (JsonNode m : messages) {
            for (JsonNode call : m.path("tool_calls")) {
                if (callId.equals(call.path("id").asText())) {
                    return call.path("function").path("name").asText();
                }
            }
        }
        return "tool";
    }

    private static String lastUserText(JsonNode messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode m = messages.get(i);
            if ("user".equals(m.path("role").asText())) {
                JsonNode content = m.path("content");
                if (content.isTextual()) {
                    return content.asText();
                }
                StringBuilder sb = new StringBuilder();
                for (JsonNode part : content) {
                    sb.append(part.path("text").asText(""));
                }
                return sb.toString();
            }
        }
        return null;
    }

    /**
     * The prompt as the provider's cache sees it: tool definitions first, then every message in
     * order. Byte-exact: any change moves every later token out of the cache.
     */
    static String render(JsonNode request) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode tool : request.path("tools")) {
            sb.append("<|tool|>").append(tool.toString()).append('\n');
        }
        for (JsonNode m : request.path("messages")) {
            sb.append("<|").append(m.path("role").asText()).append("|>");
            JsonNode content = m.path("content");
            sb.append(content.isTextual() ? content.asText() : content.toString());
            if (m.has("tool_calls")) {
                sb.append(m.get("tool_calls").toString());
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static ObjectNode usage(int promptTokens, int hit, int completionTokens) {
        ObjectNode usage = JSON.createObjectNode();
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completionTokens);
        usage.put("total_tokens", promptTokens + completionTokens);
        usage.putObject("prompt_tokens_details").put("cached_tokens", hit);
        usage.put("prompt_cache_hit_tokens", hit);
        usage.put("prompt_cache_miss_tokens", promptTokens - hit);
        return usage;
    }

    private ObjectNode completion(JsonNode request, Reply reply, ObjectNode usage) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", nextId());
        root.put("object", "chat.completion");
        root.put("created", System.currentTimeMillis() / 1000);
        root.put("model", request.path("model").asText("deepseek-chat"));
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        if (reply.toolName != null) {
            message.putNull("content");
            ArrayNode calls = message.putArray("tool_calls");
            ObjectNode call = calls.addObject();
            call.put("index", 0);
            call.put("id", reply.toolCallId);
            call.put("type", "function");
            call.putObject("function").put("name", reply.toolName).put("arguments", reply.toolArguments);
        } else {
            message.put("content", reply.text);
            if (reply.thinking != null) {
                message.put("reasoning_content", reply.thinking);
            }
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", reply.finishReason);
        root.set("usage", usage);
        root.put("system_fingerprint", "fp_offline_simulator");
        return root;
    }

    private void stream(HttpExchange exchange, JsonNode request, Reply reply, ObjectNode usage, boolean cut)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        String id = nextId();
        String model = request.path("model").asText("deepseek-chat");
        long created = System.currentTimeMillis() / 1000;
        sleep(timeToFirstToken.toMillis());
        ObjectNode first = chunk(id, model, created);
        first.withArray("choices").addObject().put("index", 0).putNull("finish_reason")
                .putObject("delta").put("role", "assistant").put("content", "");
        event(out, first);
        if (reply.toolName != null) {
            ObjectNode c = chunk(id, model, created);
            ObjectNode delta = c.withArray("choices").addObject().put("index", 0).putNull("finish_reason").putObject("delta");
            ObjectNode call = delta.putArray("tool_calls").addObject();
            call.put("index", 0).put("id", reply.toolCallId).put("type", "function");
            call.putObject("function").put("name", reply.toolName).put("arguments", "");
            event(out, c);
            for (String piece : pieces(reply.toolArguments)) {
                ObjectNode a = chunk(id, model, created);
                ObjectNode d = a.withArray("choices").addObject().put("index", 0).putNull("finish_reason").putObject("delta");
                d.putArray("tool_calls").addObject().put("index", 0).putObject("function").put("arguments", piece);
                event(out, a);
            }
        } else {
            if (reply.thinking != null) {
                for (String piece : pieces(reply.thinking)) {
                    ObjectNode c = chunk(id, model, created);
                    c.withArray("choices").addObject().put("index", 0).putNull("finish_reason")
                            .putObject("delta").put("reasoning_content", piece);
                    event(out, c);
                }
            }
            List<String> pieces = pieces(reply.text);
            int limit = cut ? Math.max(1, pieces.size() / 2) : pieces.size();
            for (int i = 0; i < limit; i++) {
                sleep(delayMillis(TokenEstimator.count(pieces.get(i))));
                ObjectNode c = chunk(id, model, created);
                c.withArray("choices").addObject().put("index", 0).putNull("finish_reason")
                        .putObject("delta").put("content", pieces.get(i));
                event(out, c);
            }
            if (cut) {
                return; // the connection ends: no finish reason, no usage, no [DONE]
            }
        }
        ObjectNode last = chunk(id, model, created);
        last.withArray("choices").addObject().put("index", 0).put("finish_reason", reply.finishReason)
                .putObject("delta").put("content", "");
        last.set("usage", usage);
        event(out, last);
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static ObjectNode chunk(String id, String model, long created) {
        ObjectNode c = JSON.createObjectNode();
        c.put("id", id);
        c.put("object", "chat.completion.chunk");
        c.put("created", created);
        c.put("model", model);
        c.put("system_fingerprint", "fp_offline_simulator");
        return c;
    }

    private static void event(OutputStream out, JsonNode data) throws IOException {
        out.write(("data: " + JSON.writeValueAsString(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Splits text into token-sized pieces: two CJK characters, or one word with its space. */
    static List<String> pieces(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int cjk = 0;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            cur.append(ch);
            if (TokenEstimator.isCjk(ch)) {
                if (++cjk == 2) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    cjk = 0;
                }
            } else if (ch == ' ' && cur.length() > 1) {
                out.add(cur.toString());
                cur.setLength(0);
                cjk = 0;
            }
        }
        if (cur.length() > 0) {
            out.add(cur.toString());
        }
        return out;
    }

    private long delayMillis(int tokens) {
        return tokensPerSecond <= 0 ? 0 : Math.round(tokens * 1000.0 / tokensPerSecond);
    }

    private static void sleep(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String nextId() {
        return "sim-" + ids.incrementAndGet();
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** What the simulator answers to one request. */
    private static final class Reply {
        final String question;
        final String text;
        final String thinking;
        final String toolName;
        final String toolArguments;
        final String toolCallId;
        final String finishReason;

        private Reply(String question, String text, String thinking, String toolName, String toolArguments,
                      String toolCallId, String finishReason) {
            this.question = question;
            this.text = text;
            this.thinking = thinking;
            this.toolName = toolName;
            this.toolArguments = toolArguments;
            this.toolCallId = toolCallId;
            this.finishReason = finishReason;
        }

        static Reply text(String question, String text, String thinking, JsonNode request) {
            JsonNode max = request.has("max_completion_tokens") ? request.get("max_completion_tokens") : request.get("max_tokens");
            if (max != null && max.isInt() && TokenEstimator.count(text) > max.asInt()) {
                // Cut at the token limit, as the real API does, and say so in the finish reason.
                StringBuilder sb = new StringBuilder();
                for (String piece : pieces(text)) {
                    if (TokenEstimator.count(sb.toString() + piece) > max.asInt()) {
                        break;
                    }
                    sb.append(piece);
                }
                return new Reply(question, sb.toString(), thinking, null, null, null, "length");
            }
            return new Reply(question, text, thinking, null, null, null, "stop");
        }

        static Reply toolCall(String question, String name, String arguments, String id) {
            return new Reply(question, null, null, name, arguments, id, "tool_calls");
        }

        int completionTokens() {
            return TokenEstimator.count(renderedOutput()) + (thinking == null ? 0 : TokenEstimator.count(thinking));
        }

        String renderedOutput() {
            return toolName != null ? toolName + toolArguments : text;
        }
    }

    /** Builder of {@link DeepSeekSimulator}. */
    public static final class Builder {
        private int port;
        private Duration timeToFirstToken = Duration.ZERO;
        private double tokensPerSecond;
        private Duration cacheTtl = Duration.ofHours(1);
        private Function<String, Fault> faults = q -> Fault.NONE;
        private java.util.function.BiFunction<String, String, Boolean> judge;
        private Clock clock = Clock.systemUTC();

        /** Port to listen on; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /** Delay before the first token; default none. */
        public Builder timeToFirstToken(Duration ttft) {
            this.timeToFirstToken = Objects.requireNonNull(ttft, "timeToFirstToken");
            return this;
        }

        /** Output rate after the first token; 0 (the default) means no delay. */
        public Builder tokensPerSecond(double tps) {
            if (tps < 0) {
                throw new IllegalArgumentException("tokensPerSecond must not be negative");
            }
            this.tokensPerSecond = tps;
            return this;
        }

        /** Time to first token of {@link #realisticLatency()}. */
        public static final Duration REALISTIC_TTFT = Duration.ofMillis(1000);
        /** Output rate of {@link #realisticLatency()}. */
        public static final double REALISTIC_TOKENS_PER_SECOND = 30;

        /**
         * A hosted-API pace: one second to the first token, then 30 tokens per second. DeepSeek's public
         * API is usually slower than this at busy hours, so cache-versus-model ratios measured against it
         * are conservative.
         */
        public Builder realisticLatency() {
            return timeToFirstToken(REALISTIC_TTFT).tokensPerSecond(REALISTIC_TOKENS_PER_SECOND);
        }

        /** How long a prefix unit lives after its last use. */
        public Builder prefixCacheTtl(Duration ttl) {
            this.cacheTtl = Objects.requireNonNull(ttl, "prefixCacheTtl");
            return this;
        }

        /** Chooses a fault per request from the last user message. */
        public Builder faults(Function<String, Fault> faults) {
            this.faults = Objects.requireNonNull(faults, "faults");
            return this;
        }

        /**
         * Answers {@code LlmJudgeVerifier}'s question (do two questions ask the same thing?) with yes or no as
         * {@code judge} decides for (stored question, new question), and with no verdict when it returns null:
         * the simulator stands in for a judge, for self-calibration offline.
         */
        public Builder judge(java.util.function.BiFunction<String, String, Boolean> judge) {
            this.judge = Objects.requireNonNull(judge, "judge");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public DeepSeekSimulator start() {
            try {
                return new DeepSeekSimulator(this);
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the DeepSeek simulator: " + e.getMessage(), e);
            }
        }
    }
}
