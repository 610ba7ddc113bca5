package io.promptcache.gateway;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.promptcache.CacheControl;
import io.promptcache.CacheOutcome;
import io.promptcache.CacheScope;
import io.promptcache.CacheSource;
import io.promptcache.key.Sha256;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's routes. Chat completions go through the cache; {@code /v1/models} and every other {@code /v1/*}
 * path go to the provider unchanged; {@code /health}, {@code /metrics} and {@code /admin/*} are the gateway's own.
 * Routes run on the server's worker threads: a cache call awaits its budget, a miss awaits the provider.
 */
final class GatewayHandler {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayHandler.class);
    static final String SOURCE = "X-PromptCache-Source";
    static final String ENTRY = "X-PromptCache-Entry";
    static final String CONTROL = "X-PromptCache-Control";
    static final String NOT_CACHED = "X-PromptCache-Not-Cached";
    static final String TENANT = "X-PromptCache-Tenant";

    private final Gateway gateway;
    private final GatewayAdmin admin;

    GatewayHandler(Gateway gateway) {
        this.gateway = gateway;
        this.admin = new GatewayAdmin(gateway);
    }

    void handle(Exchange request) {
        Exchange response = request;
        String path = request.path();
        String method = request.method();
        try {
            if (path.equals("/v1/chat/completions") || path.equals("/chat/completions")) {
                if (!method.equals("POST")) {
                    throw new GatewayError(405, "invalid_request_error", null, "method_not_allowed",
                            "Use POST for " + path + ".");
                }
                chatCompletion(request, response);
            } else if (path.equals("/health") || path.startsWith("/health/")) {
                admin.health(path, response);
            } else if (path.equals("/metrics")) {
                send(response, 200, "text/plain; version=0.0.4; charset=utf-8",
                        gateway.registry().scrape().getBytes(StandardCharsets.UTF_8));
            } else if (path.startsWith("/admin/") || path.equals("/admin")) {
                admin.handle(request, response, path);
            } else if (path.startsWith("/v1/")) {
                proxy(request, response, path.substring(3));
            } else {
                throw new GatewayError(404, "invalid_request_error", null, "unknown_url",
                        "Unknown path " + path + ": the gateway serves /v1/*, /health, /metrics and /admin/*.");
            }
        } catch (GatewayError e) {
            sendError(response, e);
        } catch (UpstreamException e) {
            sendUpstreamFault(response, e);
        } catch (RuntimeException | IOException e) {
            // the kind of fault only: a message may quote the request, and no prompt text goes to the log
            LOG.warn("the gateway failed a request to {}: {}", path, e.getClass().getSimpleName());
            if (!response.committed()) {
                sendError(response, new GatewayError(500, "server_error", null, null,
                        "The gateway failed this request: " + e.getMessage()));
            }
        }
    }

    /**
     * On the server's own thread, before any hand-off: a body this tenant sent before, served by its entry, when the
     * store is in this process (a read that cannot wait). False for anything else, which a worker then handles.
     */
    boolean tryInline(Exchange request) {
        if (!gateway.store().inProcess() || !"POST".equals(request.method())
                || !(request.path().equals("/v1/chat/completions") || request.path().equals("/chat/completions"))
                || controlText(request) != null || request.body().length > gateway.settings().maxBodyBytes()) {
            return false;
        }
        try {
            String tenant = tenant(request);
            request.responseHeader(TENANT, tenant);
            return servedKnown(KnownRequests.key(tenant, request.body()), tenant, request);
        } catch (RuntimeException e) {
            return false; // the whole path, on a worker, says what is wrong with it
        }
    }

    /** A body over the limit: the server read no further. */
    void tooLarge(Exchange exchange) {
        sendError(exchange, tooLarge(gateway.settings().maxBodyBytes()));
    }

    private void chatCompletion(Exchange request, Exchange response) throws IOException {
        byte[] raw = readBody(request);
        String tenant = tenant(request);
        response.responseHeader(TENANT, tenant);
        String controlText = controlText(request);
        ByteBuffer known = null;
        if (controlText == null) {
            known = KnownRequests.key(tenant, raw);
            if (servedKnown(known, tenant, response)) {
                return;
            }
        }
        ChatCompletionRequest chat = ChatCompletionRequest.parse(raw);
        Map<String, String> passOn = passOn(request);
        UpstreamCall call = new UpstreamCall(raw, passOn);
        if (controlText == null && chat.notCacheable() == null) {
            cached(chat, call, CacheControl.DEFAULT, tenant, known, response);
            return;
        }
        CacheControl control = CacheControl.DEFAULT;
        boolean bypass = false;
        if (controlText != null) {
            for (String word : controlText.toLowerCase(Locale.ROOT).split("[,\\s]+")) {
                if (word.equals("bypass")) {
                    bypass = true;
                } else if (!word.isEmpty()) {
                    control = control.and(directive(word));
                }
            }
        }
        if (bypass || chat.notCacheable() != null) {
            response.responseHeader(NOT_CACHED, bypass ? "bypass" : chat.notCacheable());
            passThrough(response, "/chat/completions", "POST", raw, passOn);
            return;
        }
        cached(chat, call, control, tenant, null, response);
    }

    /** A body this tenant sent before and that hit an entry: served by the entry's id, if the store still has it. */
    private boolean servedKnown(ByteBuffer key, String tenant, Exchange response) {
        KnownRequests.Known known = gateway.known().get(key);
        if (known == null) {
            return false;
        }
        try (CacheScope scope = CacheScope.open(tenant)) {
            java.util.Optional<ChatResponse> answer = gateway.chat().serveKnownEntry(known.entryId());
            if (answer.isEmpty()) {
                gateway.known().forget(key);
                return false;
            }
            byte[] tail = known.tail();
            if (!sameAnswer(answer.get(), known.response())) { // the entry was stored again with another answer
                tail = OpenAiResponses.completionTail(answer.get(), answer.get().modelName());
                gateway.known().remember(key, new KnownRequests.Known(known.entryId(), answer.get(), tail));
            }
            outcomeHeaders(response, scope.lastOutcome().orElse(null));
            send(response, 200, "application/json", OpenAiResponses.withHead(tail));
            return true;
        }
    }

    private static boolean sameAnswer(ChatResponse a, ChatResponse b) {
        return java.util.Objects.equals(a.aiMessage(), b.aiMessage()) && a.finishReason() == b.finishReason()
                && java.util.Objects.equals(a.tokenUsage(), b.tokenUsage()) && java.util.Objects.equals(a.modelName(), b.modelName());
    }

    /** The cache directives of {@code Cache-Control} and {@code X-PromptCache-Control}, or null when there are none. */
    private static String controlText(Exchange request) {
        String http = request.header("Cache-Control");
        String own = request.header(CONTROL);
        if (http == null && own == null) {
            return null;
        }
        return (http == null ? "" : http) + "," + (own == null ? "" : own);
    }

    /** One directive: HTTP's (no-cache refreshes, no-store, max-age=N as the stored answer's TTL) or the library's. */
    private static CacheControl directive(String word) {
        if (word.equals("no-cache")) {
            return CacheControl.REFRESH;
        }
        if (word.startsWith("max-age=") || word.startsWith("s-maxage=")) {
            String seconds = word.substring(word.indexOf('=') + 1);
            try {
                long s = Long.parseLong(seconds);
                if (s <= 0) {
                    return CacheControl.NO_STORE;
                }
                return CacheControl.ttl(java.time.Duration.ofSeconds(s));
            } catch (NumberFormatException e) {
                throw GatewayError.invalid(null, "Cache-Control max-age must be a number of seconds, was '" + seconds + "'.");
            }
        }
        try {
            return CacheControl.parse(word);
        } catch (IllegalArgumentException e) {
            throw GatewayError.invalid(null, "Unknown cache directive '" + word
                    + "'; known: no-cache, no-store, max-age=SECONDS, and in " + CONTROL
                    + " also refresh, exact-only, ttl=DURATION, bypass.");
        }
    }

    private void cached(ChatCompletionRequest chat, UpstreamCall call, CacheControl control, String tenant,
                        ByteBuffer known, Exchange response) throws IOException {
        try (CacheScope scope = CacheScope.open(tenant).control(control)) {
            if (chat.stream()) {
                stream(chat, call, scope, response);
                return;
            }
            ChatResponse answer = call.around(() -> gateway.chat().chat(chat.chatRequest()));
            CacheOutcome outcome = scope.lastOutcome().orElse(null);
            outcomeHeaders(response, outcome);
            byte[] body;
            if (outcome != null && outcome.source() == CacheSource.LLM && call.providerBody() != null) {
                body = call.providerBody();
            } else {
                byte[] tail = OpenAiResponses.completionTail(answer, chat.model());
                body = OpenAiResponses.withHead(tail);
                if (known != null && outcome != null && outcome.source() == CacheSource.EXACT && outcome.entryId() != null
                        && singleTurn(chat)) {
                    gateway.known().remember(known, new KnownRequests.Known(outcome.entryId(), answer, tail));
                }
            }
            send(response, 200, "application/json", body);
        }
    }

    /**
     * No earlier answer in the conversation: its key depends on the body alone. (With earlier turns, the key may
     * depend on which of them the cache served, which the store records; such bodies take the whole call.)
     */
    private static boolean singleTurn(ChatCompletionRequest chat) {
        return chat.chatRequest().messages().stream().noneMatch(m -> m instanceof dev.langchain4j.data.message.AiMessage);
    }

    private static void outcomeHeaders(Exchange response, CacheOutcome outcome) {
        response.responseHeader(SOURCE, outcome == null ? "llm" : outcome.source().wireName());
        if (outcome != null && outcome.entryId() != null) {
            response.responseHeader(ENTRY, outcome.entryId());
        }
        if (outcome != null && outcome.similarity() != null) {
            response.responseHeader("X-PromptCache-Similarity", String.format(Locale.ROOT, "%.4f", outcome.similarity()));
        }
    }

    /** What a streaming call tells the request's thread, in order. */
    private record Piece(String text, boolean thinking) {
    }

    private record Done(ChatResponse response) {
    }

    private record Failed(Throwable error) {
    }

    private void stream(ChatCompletionRequest chat, UpstreamCall call, CacheScope scope, Exchange response) throws IOException {
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        StreamingChatResponseHandler handler = new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partialResponse) {
                events.add(new Piece(partialResponse, false));
            }

            @Override
            public void onPartialThinking(PartialThinking partialThinking) {
                events.add(new Piece(partialThinking.text(), true));
            }

            @Override
            public void onCompleteResponse(ChatResponse completeResponse) {
                events.add(new Done(completeResponse));
            }

            @Override
            public void onError(Throwable error) {
                events.add(new Failed(error));
            }
        };
        call.around(() -> {
            gateway.streaming().chat(chat.chatRequest(), handler);
            return null;
        });
        // A hit has been replayed by now and reported; a miss is the provider's, or a burst's that we follow.
        CacheOutcome outcome = scope.lastOutcome().orElse(null);
        long timeout = gateway.upstreamClient().timeout().toMillis();
        Object first = poll(events, timeout);
        if (first instanceof Failed f) {
            throw f.error() instanceof UpstreamException u ? u : new IllegalStateException(f.error().getMessage(), f.error());
        }
        if (first == null) {
            throw UpstreamException.timeout(gateway.upstreamClient().timeout());
        }
        outcomeHeaders(response, outcome);
        response.responseHeader("Cache-Control", "no-cache");
        if (outcome == null) {
            response.responseHeader("Trailer", ENTRY); // a miss's entry is known once its answer is stored
        }
        OpenAiResponses.ChunkWriter chunks = new OpenAiResponses.ChunkWriter(chat.model(), chat.includeUsage());
        Exchange.Stream out = response.stream(200, "text/event-stream; charset=utf-8");
        Done done = null;
        try {
            out.write(chunks.role());
            for (Object event = first; ; event = poll(events, timeout)) {
                if (event instanceof Piece p) {
                    out.write(p.thinking() ? chunks.thinking(p.text()) : chunks.content(p.text()));
                    if (events.isEmpty()) {
                        out.flush();
                    }
                } else if (event instanceof Done d) {
                    out.write(chunks.end(d.response()));
                    done = d;
                    break;
                } else {
                    String why = event == null ? "the upstream sent nothing for " + timeout + " ms"
                            : ((Failed) event).error().getMessage();
                    out.write(OpenAiResponses.ChunkWriter.error("The answer broke off: " + why, "upstream_error"));
                    break;
                }
            }
        } finally {
            CacheOutcome stored = done == null || outcome != null ? null : scope.lastOutcome().orElse(null);
            if (stored != null && stored.entryId() != null) {
                out.end(Map.of(ENTRY, stored.entryId()));
            } else {
                out.end();
            }
        }
    }

    private static Object poll(BlockingQueue<Object> events, long timeoutMillis) {
        try {
            return events.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The tenant: the named header's, else the shared tenant, else one per API key (a hash of it, never the key). */
    private String tenant(Exchange request) {
        String header = gateway.settings().tenantHeader();
        if (header != null) {
            String named = request.header(header);
            if (named != null) {
                try {
                    CacheScope.checkId("tenant", named);
                } catch (IllegalArgumentException bad) {
                    throw GatewayError.invalid(null, "The " + header + " header is not a usable tenant id: " + bad.getMessage() + ".");
                }
                return named;
            }
        }
        if (gateway.settings().sharedTenant() != null) {
            return gateway.settings().sharedTenant();
        }
        String auth = request.header("Authorization");
        if (auth == null || auth.isBlank()) {
            return "anonymous";
        }
        return "key-" + Sha256.start().field("promptcache-gateway-tenant").field(auth.strip()).hex().substring(0, 32);
    }

    private Map<String, String> passOn(Exchange request) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> f : request.headers()) {
            if (UpstreamClient.passOn(f.getKey(), gateway.settings().tenantHeader())) {
                out.merge(f.getKey(), f.getValue(), (a, b) -> a + ", " + b);
            }
        }
        out.putIfAbsent("Content-Type", "application/json");
        return out;
    }

    /** The body, which the server has read whole and bounded by the limit. */
    private byte[] readBody(Exchange request) {
        byte[] body = request.body();
        if (body.length > gateway.settings().maxBodyBytes()) {
            throw tooLarge(gateway.settings().maxBodyBytes());
        }
        return body;
    }

    private static GatewayError tooLarge(int max) {
        return new GatewayError(413, "invalid_request_error", null, "request_too_large",
                "The request body is larger than the gateway's limit of " + max + " bytes (--max-body).");
    }

    /** Any other {@code /v1/*} request: to the provider as it came, and its reply back as it went. */
    private void proxy(Exchange request, Exchange response, String upstreamPath) throws IOException {
        String query = request.query();
        String method = request.method();
        byte[] body = method.equals("GET") || method.equals("HEAD") ? new byte[0] : readBody(request);
        passThrough(response, upstreamPath + (query == null ? "" : "?" + query), method, body, passOn(request));
    }

    private void passThrough(Exchange response, String path, String method, byte[] body, Map<String, String> headers) {
        UpstreamClient.Reply reply = gateway.upstreamClient().exchange(method, path, body, headers);
        response.responseHeader(SOURCE, "llm");
        send(response, reply.status(), reply.contentType(), reply.body());
    }

    private static void sendUpstreamFault(Exchange response, UpstreamException e) {
        if (response.committed()) {
            return;
        }
        response.responseHeader(SOURCE, "llm");
        if (e.kind() == UpstreamException.Kind.REPLIED) {
            send(response, e.status(), e.contentType(), e.body());
        } else {
            String type = e.kind() == UpstreamException.Kind.TIMEOUT ? "timeout" : "upstream_unreachable";
            send(response, e.status(), "application/json", GatewayError.body(e.status(), "server_error", null, type, e.getMessage()));
        }
    }

    static void sendError(Exchange response, GatewayError e) {
        if (response.committed()) {
            return;
        }
        send(response, e.status(), "application/json", e.body());
    }

    static void send(Exchange response, int status, String contentType, byte[] body) {
        response.send(status, contentType, body);
    }
}
