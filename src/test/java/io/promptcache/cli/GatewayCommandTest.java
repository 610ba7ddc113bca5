package io.promptcache.cli;

import io.promptcache.deepseek.DeepSeekSimulator;
import io.promptcache.testing.Await;
import io.promptcache.testing.CliProcess;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code promptcache gateway} as a user starts and stops it: its own JVM, its one line, SIGTERM. */
class GatewayCommandTest {

    private static final Pattern STARTED = Pattern.compile("PromptCache gateway at (http://127\\.0\\.0\\.1:\\d+) \\(upstream (\\S+)\\)");

    @Test
    void itPrintsOneLineOnceItAnswersAndASigtermLetsTheRequestInFlightFinish() throws Exception {
        try (DeepSeekSimulator simulator = DeepSeekSimulator.builder().timeToFirstToken(Duration.ofMillis(1500)).start();
             CliProcess gateway = CliProcess.launch(Map.of(), "gateway", "--upstream", simulator.baseUrl(), "--port", "0")) {
            String line = gateway.readLine();
            assertNotNull(line, "the gateway printed nothing");
            Matcher m = STARTED.matcher(line);
            assertTrue(m.matches(), line);
            assertEquals(simulator.baseUrl(), m.group(2));
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest ask = HttpRequest.newBuilder(URI.create(m.group(1) + "/v1/chat/completions"))
                    .header("Authorization", "Bearer sk-command").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"deepseek-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"Will the stop wait for me?\"}]}"))
                    .build();
            CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(ask, HttpResponse.BodyHandlers.ofString());
            Await.until(() -> simulator.completionRequests() == 1, "the request reached the provider");
            gateway.process().destroy(); // SIGTERM
            HttpResponse<String> answered = inFlight.get(30, TimeUnit.SECONDS);
            assertEquals(200, answered.statusCode(), answered.body());
            assertEquals("llm", answered.headers().firstValue("X-PromptCache-Source").orElse(""));
            assertTrue(gateway.process().waitFor(30, TimeUnit.SECONDS), "the gateway stopped");
            String log = gateway.stderrText();
            assertFalse(log.contains("sk-command"), "the caller's API key is never logged: " + log);
            assertFalse(log.contains("Will the stop wait for me?"), "no prompt text in the log: " + log);
        }
    }

    @Test
    void badOptionsAreRefusedInTheUsersWords() throws Exception {
        CliProcess.Result scheme = CliProcess.run(Map.of(), "gateway", "--upstream", "ftp://example.invalid", "--port", "0");
        assertEquals(2, scheme.code(), scheme.err());
        assertTrue(scheme.err().contains("promptcache gateway: the upstream must be an http:// or https:// URL"), scheme.err());
        assertFalse(scheme.err().contains("Exception"), scheme.err());

        Path missing = Files.createTempDirectory("gateway-token").resolve("absent.txt");
        CliProcess.Result token = CliProcess.run(Map.of(), "gateway", "--admin-token-file", missing.toString(), "--port", "0");
        assertEquals(2, token.code(), token.err());
        assertTrue(token.err().contains(missing.toString()), token.err());
        assertFalse(token.err().contains("Exception"), token.err());

        Path shortToken = Files.writeString(Files.createTempFile("gateway-token", ".txt"), "short\n");
        CliProcess.Result weak = CliProcess.run(Map.of(), "gateway", "--admin-token-file", shortToken.toString(), "--port", "0");
        assertEquals(2, weak.code(), weak.err());
        assertTrue(weak.err().contains("at least 16 characters"), weak.err());
    }
}
