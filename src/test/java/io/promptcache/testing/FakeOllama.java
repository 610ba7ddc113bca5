package io.promptcache.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for Ollama's {@code POST /api/embed}, speaking its wire format. The vector of a
 * text is a normalised bag of its characters, so texts with the same characters in another order
 * have cosine 1 and unrelated texts are far apart: enough to drive the semantic tier end to end.
 *
 * <p>It can misbehave as a real one does: answer slowly, answer vectors of another dimension,
 * malformed JSON or HTTP 500, go away ({@link #stop()}) and come back on the same port ({@link #start()}).
 */
public final class FakeOllama implements AutoCloseable {

    public static final int DIMENSION = 64;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How the next requests are answered. */
    public enum Behaviour { NORMAL, SLOW, WRONG_DIMENSION, MALFORMED_JSON, SERVER_ERROR }

    private final AtomicInteger requests = new AtomicInteger();
    private final int port;
    private volatile Behaviour behaviour = Behaviour.NORMAL;
    private volatile Duration slowBy = Duration.ofSeconds(2);
    private HttpServer server;
    private ExecutorService executor;

    public FakeOllama() throws IOException {
        this(0);
    }

    private FakeOllama(int port) throws IOException {
        this.port = bind(port);
    }

    /** A fake that is not running yet, on a port free now: Ollama down at start. */
    public static FakeOllama notStarted() throws IOException {
        FakeOllama f = new FakeOllama();
        f.stop();
        return f;
    }

    private int bind(int on) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), on), 16);
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "fake-ollama");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/api/embed", this::embed);
        server.start();
        return server.getAddress().getPort();
    }

    /** Starts again on the same port after {@link #stop()}. */
    public synchronized void start() throws IOException {
        if (server == null) {
            bind(port);
        }
    }

    /** Stops answering: connections to the port are refused. */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }

    public void behave(Behaviour behaviour) {
        this.behaviour = behaviour;
    }

    public void slowBy(Duration delay) {
        this.slowBy = delay;
    }

    private void embed(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            JsonNode req = JSON.readTree(exchange.getRequestBody());
            Behaviour now = behaviour;
            if (now == Behaviour.SLOW) {
                try {
                    Thread.sleep(slowBy.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (now == Behaviour.SERVER_ERROR) {
                send(exchange, 500, "{\"error\":\"simulated failure\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (now == Behaviour.MALFORMED_JSON) {
                send(exchange, 200, "{\"model\":\"bge-m3\",\"embeddings\":[[0.1,".getBytes(StandardCharsets.UTF_8));
                return;
            }
            int dimension = now == Behaviour.WRONG_DIMENSION ? DIMENSION * 2 : DIMENSION;
            ObjectNode res = JSON.createObjectNode();
            res.put("model", req.path("model").asText());
            ArrayNode embeddings = res.putArray("embeddings");
            JsonNode input = req.path("input");
            if (input.isTextual()) {
                embeddings.add(vector(input.asText(), dimension));
            } else {
                input.forEach(t -> embeddings.add(vector(t.asText(), dimension)));
            }
            send(exchange, 200, JSON.writeValueAsBytes(res));
        }
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int requests() {
        return requests.get();
    }

    private static ArrayNode vector(String text, int dimension) {
        double[] v = new double[dimension];
        text.codePoints().filter(cp -> !Character.isWhitespace(cp) && Character.isLetterOrDigit(cp))
                .forEach(cp -> v[Math.floorMod(cp * 31, dimension)] += 1);
        double norm = 0;
        for (double x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm == 0 ? 1 : norm);
        ArrayNode out = JSON.createArrayNode();
        for (double x : v) {
            out.add(x / norm);
        }
        return out;
    }

    @Override
    public void close() {
        stop();
    }
}
