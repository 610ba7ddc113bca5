package io.promptcache.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for Ollama's {@code POST /api/embed}, speaking its wire format. The vector of a
 * text is a normalised bag of its characters, so texts with the same characters in another order
 * have cosine 1 and unrelated texts are far apart: enough to drive the semantic tier end to end.
 */
public final class FakeOllama implements AutoCloseable {

    public static final int DIMENSION = 64;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    public FakeOllama() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/api/embed", exchange -> {
            try (exchange) {
                requests.incrementAndGet();
                JsonNode req = JSON.readTree(exchange.getRequestBody());
                ObjectNode res = JSON.createObjectNode();
                res.put("model", req.path("model").asText());
                ArrayNode embeddings = res.putArray("embeddings");
                JsonNode input = req.path("input");
                if (input.isTextual()) {
                    embeddings.add(vector(input.asText()));
                } else {
                    input.forEach(t -> embeddings.add(vector(t.asText())));
                }
                byte[] body = JSON.writeValueAsBytes(res);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public int requests() {
        return requests.get();
    }

    private static ArrayNode vector(String text) {
        double[] v = new double[DIMENSION];
        text.codePoints().filter(cp -> !Character.isWhitespace(cp) && Character.isLetterOrDigit(cp))
                .forEach(cp -> v[Math.floorMod(cp * 31, DIMENSION)] += 1);
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
        server.stop(0);
    }

}
