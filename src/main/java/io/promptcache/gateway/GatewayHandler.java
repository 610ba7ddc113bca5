package io.promptcache.gateway;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.promptcache.CacheControl;
import io.promptcache.CacheOutcome;
import io.promptcache.CacheScope;
import io.promptcache.CacheSource;
import io.promptcache.key.Sha256;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
 * Blocking work runs on Jetty's request threads (a cache call awaits its budget, a miss awaits the provider).
 */
final class GatewayHandler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayHandler.class);
    static final String SOURCE = "X-PromptCache-Source";
    static final String ENTRY = "X-PromptCache-Entry";
    static final String CONTROL = "X-PromptCache-Control";
    static final String NOT_CACHED = "X-PromptCache-Not-Cached";

    private final Gateway gateway;
    private final GatewayAdmin admin;

    GatewayHandler(Gateway gateway) {
        this.gateway = gateway;
        this.admin = new GatewayAdmin(gateway);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
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
            LOG.warn("the gateway failed a request to {}: {}", path, e.toString());
            if (!response.isCommitted()) {
                sendError(response, new GatewayError(500, "server_error", null, null,
                        "The gateway failed this request: " + e.getMessage()));
            }
        }
        callback.succeeded();
        return true;
    }

    private void chatCompletion(Request request, Response response) throws IOException {
        byte[] raw = readBody(request);
        String tenant = tenant(request);
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
            response.getHeaders().put(NOT_CACHED, bypass ? "bypass" : chat.notCacheable());
            passThrough(response, "/chat/completions", "POST", raw, passOn);
            return;
        }
        cached(chat, call, control, tenant, null, response);
    }

    /** A body this tenant sent before and that hit an entry: served by the entry's id, if the store still has it. */
    private boolean servedKnown(ByteBuffer key, String tenant, Response response) {
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
    private static String controlText(Request request) {
        String http = request.getHeaders().get("Cache-Control");
        String own = request.getHeaders().get(CONTROL);
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
                        ByteBuffer known, Response response) throws IOException {
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

    private static void outcomeHeaders(Response response, CacheOutcome outcome) {
        response.getHeaders().put(SOURCE, outcome == null ? "llm" : outcome.source().wireName());
        if (outcome != null && outcome.entryId() != null) {
            response.getHeaders().put(ENTRY, outcome.entryId());
        }
        if (outcome != null && outcome.similarity() != null) {
            response.getHeaders().put("X-PromptCache-Similarity", String.format(Locale.ROOT, "%.4f", outcome.similarity()));
        }
    }

    /** What a streaming call tells the request's thread, in order. */
    private record Piece(String text, boolean thinking) {
    }

    private record Done(ChatResponse response) {
    }

    private record Failed(Throwable error) {
    }

    private void stream(ChatCompletionRequest chat, UpstreamCall call, CacheScope scope, Response response) throws IOException {
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
        response.setStatus(200);
        response.getHeaders().put("Content-Type", "text/event-stream; charset=utf-8");
        response.getHeaders().put("Cache-Control", "no-cache");
        OpenAiResponses.ChunkWriter chunks = new OpenAiResponses.ChunkWriter(chat.model(), chat.includeUsage());
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            out.write(chunks.role());
            for (Object event = first; ; event = poll(events, timeout)) {
                if (event instanceof Piece p) {
                    out.write(p.thinking() ? chunks.thinking(p.text()) : chunks.content(p.text()));
                    if (events.isEmpty()) {
                        out.flush();
                    }
                } else if (event instanceof Done d) {
                    out.write(chunks.end(d.response()));
                    break;
                } else {
                    String why = event == null ? "the upstream sent nothing for " + timeout + " ms"
                            : ((Failed) event).error().getMessage();
                    out.write(OpenAiResponses.ChunkWriter.error("The answer broke off: " + why, "upstream_error"));
                    break;
                }
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
    private String tenant(Request request) {
        String header = gateway.settings().tenantHeader();
        if (header != null) {
            String named = request.getHeaders().get(header);
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
        String auth = request.getHeaders().get("Authorization");
        if (auth == null || auth.isBlank()) {
            return "anonymous";
        }
        return "key-" + Sha256.start().field("promptcache-gateway-tenant").field(auth.strip()).hex().substring(0, 32);
    }

    private Map<String, String> passOn(Request request) {
        Map<String, String> out = new LinkedHashMap<>();
        for (HttpField f : request.getHeaders()) {
            if (UpstreamClient.passOn(f.getName(), gateway.settings().tenantHeader())) {
                out.merge(f.getName(), f.getValue(), (a, b) -> a + ", " + b);
            }
        }
        out.putIfAbsent("Content-Type", "application/json");
        return out;
    }

    private byte[] readBody(Request request) throws IOException {
        int max = gateway.settings().maxBodyBytes();
        long declared = request.getLength();
        if (declared > max) {
            throw tooLarge(max);
        }
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] body = in.readNBytes(max + 1);
            if (body.length > max) {
                throw tooLarge(max);
            }
            return body;
        }
    }

    private static GatewayError tooLarge(int max) {
        return new GatewayError(413, "invalid_request_error", null, "request_too_large",
                "The request body is larger than the gateway's limit of " + max + " bytes (--max-body).");
    }

    /** Any other {@code /v1/*} request: to the provider as it came, and its reply back as it went. */
    private void proxy(Request request, Response response, String upstreamPath) throws IOException {
        String query = request.getHttpURI().getQuery();
        String method = request.getMethod();
        byte[] body = method.equals("GET") || method.equals("HEAD") ? new byte[0] : readBody(request);
        passThrough(response, upstreamPath + (query == null ? "" : "?" + query), method, body, passOn(request));
    }

    private void passThrough(Response response, String path, String method, byte[] body, Map<String, String> headers) {
        UpstreamClient.Reply reply = gateway.upstreamClient().exchange(method, path, body, headers);
        response.getHeaders().put(SOURCE, "llm");
        send(response, reply.status(), reply.contentType(), reply.body());
    }

    private static void sendUpstreamFault(Response response, UpstreamException e) {
        if (response.isCommitted()) {
            return;
        }
        response.getHeaders().put(SOURCE, "llm");
        if (e.kind() == UpstreamException.Kind.REPLIED) {
            send(response, e.status(), e.contentType(), e.body());
        } else {
            String type = e.kind() == UpstreamException.Kind.TIMEOUT ? "timeout" : "upstream_unreachable";
            send(response, e.status(), "application/json", GatewayError.body(e.status(), "server_error", null, type, e.getMessage()));
        }
    }

    static void sendError(Response response, GatewayError e) {
        if (response.isCommitted()) {
            return;
        }
        send(response, e.status(), "application/json", e.body());
    }

    static void send(Response response, int status, String contentType, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put("Content-Type", contentType);
        response.getHeaders().put("Content-Length", body.length);
        Callback.Completable done = new Callback.Completable();
        response.write(true, ByteBuffer.wrap(body), done);
        try {
            done.get();
        } catch (Exception e) {
            // the client went away: nothing to tell it
        }
    }
}
