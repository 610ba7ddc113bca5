package io.promptcache.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A plain HTTP client of a gateway, as any application's: JSON bodies in, status, headers and bodies out. */
final class GatewayClient {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;

    GatewayClient(String base) {
        this.base = base;
    }

    /** A chat completion body with one user message, and {@code extra} JSON fields (e.g. {@code ,"stream":true}). */
    static String body(String question, String extra) {
        return "{\"model\":\"deepseek-chat\",\"messages\":[{\"role\":\"system\",\"content\":\"You are concise.\"},"
                + "{\"role\":\"user\",\"content\":" + quote(question) + "}]" + extra + "}";
    }

    static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> post(String path, String body, String... headers) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body)), headers);
    }

    HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), headers);
    }

    HttpResponse<String> delete(String path, String... headers) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE(), headers);
    }

    private static HttpResponse<String> send(HttpRequest.Builder b, String... headers) throws IOException, InterruptedException {
        b.timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code POST /v1/chat/completions} as the caller with {@code apiKey}. */
    HttpResponse<String> chat(String apiKey, String body, String... headers) throws IOException, InterruptedException {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer " + apiKey;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return post("/v1/chat/completions", body, all);
    }

    static String source(HttpResponse<?> response) {
        return response.headers().firstValue(GatewayHandler.SOURCE).orElse("(none)");
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    /** The text of a blocking answer. */
    static String text(HttpResponse<String> response) throws IOException {
        return json(response).path("choices").path(0).path("message").path("content").asText();
    }

    /** The data of every server-sent event of a streamed answer, [DONE] included. */
    static List<String> events(HttpResponse<String> response) {
        List<String> out = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("data: ")) {
                out.add(line.substring(6));
            }
        }
        return out;
    }

    /** The text a streamed answer spells out, chunk by chunk. */
    static String streamedText(HttpResponse<String> response) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String data : events(response)) {
            if (!data.equals("[DONE]")) {
                JsonNode delta = JSON.readTree(data).path("choices").path(0).path("delta");
                if (delta.path("content").isTextual()) {
                    text.append(delta.path("content").asText());
                }
            }
        }
        return text.toString();
    }
}
