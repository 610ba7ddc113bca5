package io.promptcache.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptcache.deepseek.DeepSeekSimulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code promptcache bench gateway}: the gateway's exact hits against nginx's own {@code proxy_cache} keyed on the
 * POST body (the exact-cache anchor), both in front of the same simulator and loaded by the same wrk at the same
 * connections, in alternating rounds of one run; and what a miss adds over calling the provider directly. The
 * gateway runs in a JVM of its own, as nginx runs in its own processes.
 */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "Gateway exact hits against nginx proxy_cache (throughput, p50, p99), and the added latency of a miss.")
public final class GatewayBench implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY_PREFIX = "pc-bench-gateway";
    private static final String BODY = "{\"model\":\"deepseek-chat\",\"messages\":[{\"role\":\"system\",\"content\":\"You are concise.\"},"
            + "{\"role\":\"user\",\"content\":\"How do I reset my password?\"}]}";

    @Option(names = "--connections", defaultValue = "16", description = "Open connections of the load (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--seconds", defaultValue = "10", description = "Length of each measured round (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup-seconds", defaultValue = "10",
            description = "Load before measuring, on each server, so the gateway's JIT has compiled its path (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = "--rounds", defaultValue = "3", description = "Rounds per server, alternating (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--misses", defaultValue = "200", description = "Sequential misses timed, direct and through the gateway (default: ${DEFAULT-VALUE}).")
    int misses;

    @Option(names = "--nginx", paramLabel = "PATH", defaultValue = "nginx", description = "The nginx binary (default: ${DEFAULT-VALUE} on the PATH).")
    String nginx;

    @Option(names = "--wrk", paramLabel = "PATH", defaultValue = "wrk", description = "The wrk binary (default: ${DEFAULT-VALUE} on the PATH).")
    String wrk;

    @Option(names = "--store", paramLabel = "memory|redis://…", defaultValue = "memory",
            description = "The gateway's store (default: ${DEFAULT-VALUE}). On Redis the gateway writes under the bench's own "
                    + "key prefix, " + GatewayBench.KEY_PREFIX + ", which the bench empties before and after.")
    String store;

    @Option(names = "--json", description = "Print one JSON object with the results.")
    boolean json;

    private final PrintStream out;

    public GatewayBench() {
        this(System.out);
    }

    GatewayBench(PrintStream out) {
        this.out = out;
    }

    /** One wrk round: requests per second and latency percentiles in milliseconds. */
    record Round(double requestsPerSecond, double p50, double p99) {
    }

    @Override
    public Integer call() throws Exception {
        if (connections < 1 || seconds < 1 || rounds < 1 || misses < 1 || warmupSeconds < 0) {
            throw new IllegalArgumentException("--connections, --seconds, --rounds and --misses must be at least 1, "
                    + "--warmup-seconds at least 0");
        }
        String nginxBin = executable(nginx, "nginx", "apt-get install nginx-light");
        String wrkBin = executable(wrk, "wrk", "apt-get install wrk");
        Path work = Files.createTempDirectory("promptcache-bench-gateway");
        // nginx started as root runs its workers as another user: they must reach its cache and temp folders
        Files.setPosixFilePermissions(work, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        List<Process> started = new ArrayList<>();
        redis.clients.jedis.UnifiedJedis redis = store.equals("memory") ? null
                : io.promptcache.redis.RedisConfig.builder().url(store).keyPrefix(KEY_PREFIX).build().connect();
        try (DeepSeekSimulator simulator = DeepSeekSimulator.builder().start()) {
            if (redis != null) {
                BenchKeys.removeAll(redis, KEY_PREFIX);
            }
            String gateway = startGateway(simulator.baseUrl(), store, work, started);
            String proxy = startNginx(nginxBin, simulator.baseUrl(), work, started);
            Path script = Files.writeString(work.resolve("post.lua"), "wrk.method = \"POST\"\n"
                    + "wrk.body = '" + BODY + "'\n"
                    + "wrk.headers[\"Content-Type\"] = \"application/json\"\n"
                    + "wrk.headers[\"Authorization\"] = \"Bearer sk-bench-gateway\"\n");
            String gatewaySource = prime(gateway, "X-PromptCache-Source");
            String nginxStatus = prime(proxy, "X-Cache-Status");
            if (!gatewaySource.equals("exact") || !nginxStatus.equals("HIT")) {
                throw new IllegalStateException("the caches did not hit after priming: gateway " + gatewaySource
                        + ", nginx " + nginxStatus);
            }
            if (warmupSeconds > 0) { // the JIT, connection pools, nginx's page cache
                wrk(wrkBin, script, gateway, warmupSeconds);
                wrk(wrkBin, script, proxy, warmupSeconds);
            }
            List<Round> ofNginx = new ArrayList<>();
            List<Round> ofGateway = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                ofNginx.add(wrk(wrkBin, script, proxy, seconds));
                ofGateway.add(wrk(wrkBin, script, gateway, seconds));
            }
            Round n = median(ofNginx);
            Round g = median(ofGateway);
            Stats direct = misses(simulator.baseUrl(), "direct");
            Stats through = misses(gateway, "through the gateway");
            report(n, g, ofNginx, ofGateway, direct, through, simulator.completionRequests());
        } finally {
            for (Process p : started) {
                p.destroy();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            deleteTree(work);
            if (redis != null) {
                BenchKeys.removeAllOrSay(redis, KEY_PREFIX, store, io.promptcache.cli.StatusLine.stderr());
                redis.close();
            }
        }
        return 0;
    }

    private static String executable(String name, String what, String install) {
        if (name.contains(File.separator)) {
            if (Files.isExecutable(Path.of(name))) {
                return name;
            }
        } else {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                for (String d : List.of(dir, "/usr/sbin", "/sbin")) {
                    if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
                        return Path.of(d, name).toString();
                    }
                }
            }
        }
        throw new IllegalArgumentException("needs " + what + " (" + name + " was not found; on Debian: " + install + ")");
    }

    /** The gateway in its own JVM, on this command's class path, in front of the simulator, on a free port. */
    private static String startGateway(String upstream, String store, Path work, List<Process> started)
            throws IOException, InterruptedException {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.promptcache.cli.PromptCacheCli",
                "gateway", "--upstream", upstream, "--port", "0", "--store", store, "--key-prefix", KEY_PREFIX);
        Process p = new ProcessBuilder(cmd).redirectError(work.resolve("gateway.err").toFile()).start();
        started.add(p);
        BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = lines.readLine();
        Matcher m = line == null ? null : Pattern.compile("(http://127\\.0\\.0\\.1:\\d+)").matcher(line);
        if (m == null || !m.find()) {
            throw new IllegalStateException("the gateway did not start: " + Files.readString(work.resolve("gateway.err")));
        }
        return m.group(1);
    }

    /** nginx with its own proxy_cache keyed on the URI and the POST body, two workers as this bench's two cores. */
    private static String startNginx(String bin, String upstream, Path work, List<Process> started)
            throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String w = work.toAbsolutePath().toString();
        String conf = """
                worker_processes 2;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/nginx-error.log warn;
                events { worker_connections 1024; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/body;
                  proxy_temp_path %1$s/proxy;
                  fastcgi_temp_path %1$s/fastcgi;
                  uwsgi_temp_path %1$s/uwsgi;
                  scgi_temp_path %1$s/scgi;
                  proxy_cache_path %1$s/cache levels=1:2 keys_zone=promptcache_bench:10m max_size=100m inactive=60m use_temp_path=off;
                  upstream provider { server %2$s; keepalive 32; }
                  server {
                    listen 127.0.0.1:%3$d;
                    client_body_buffer_size 1m;
                    client_max_body_size 8m;
                    location / {
                      proxy_pass http://provider;
                      proxy_http_version 1.1;
                      proxy_set_header Connection "";
                      proxy_cache promptcache_bench;
                      proxy_cache_methods POST;
                      proxy_cache_key "$request_uri|$request_body";
                      proxy_cache_valid 200 10m;
                      proxy_ignore_headers Cache-Control Expires Set-Cookie;
                      add_header X-Cache-Status $upstream_cache_status;
                    }
                  }
                }
                """.formatted(w, URI.create(upstream).getAuthority(), port);
        Path file = Files.writeString(work.resolve("nginx.conf"), conf);
        Process p = new ProcessBuilder(bin, "-c", file.toString(), "-p", w)
                .redirectErrorStream(true).redirectOutput(work.resolve("nginx.out").toFile()).start();
        started.add(p);
        String url = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 200; i++) {
            try {
                http.send(HttpRequest.newBuilder(URI.create(url + "/")).GET().build(), HttpResponse.BodyHandlers.discarding());
                return url;
            } catch (IOException notYet) {
                if (!p.isAlive()) {
                    break;
                }
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("nginx did not start: " + Files.readString(work.resolve("nginx.out")));
    }

    /** Sends the measured request twice (the first stores it) and returns the second's cache header. */
    private static String prime(String base, String header) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer sk-bench-gateway")
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
        http.send(request, HttpResponse.BodyHandlers.discarding());
        HttpResponse<String> second = http.send(request, HttpResponse.BodyHandlers.ofString());
        return second.headers().firstValue(header).orElse("HTTP " + second.statusCode() + " " + second.body());
    }

    private Round wrk(String bin, Path script, String base, int secs) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(bin, "-t2", "-c" + connections, "-d" + secs + "s", "--latency",
                "-s", script.toString(), base + "/v1/chat/completions").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Matcher rps = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(text);
        if (!rps.find()) {
            throw new IllegalStateException("wrk gave no result:\n" + text);
        }
        if (text.contains("Non-2xx")) {
            throw new IllegalStateException("some answers were errors:\n" + text);
        }
        return new Round(Double.parseDouble(rps.group(1)), percentile(text, "50%"), percentile(text, "99%"));
    }

    private static double percentile(String wrkOutput, String which) {
        Matcher m = Pattern.compile("\\s" + which + "\\s+([0-9.]+)(us|ms|s)").matcher(wrkOutput);
        if (!m.find()) {
            throw new IllegalStateException("wrk printed no " + which + " latency:\n" + wrkOutput);
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }

    private static Round median(List<Round> rounds) {
        List<Round> sorted = new ArrayList<>(rounds);
        sorted.sort(Comparator.comparingDouble(Round::requestsPerSecond));
        return sorted.get(sorted.size() / 2);
    }

    /** Sequential misses, each a question never asked before, timed end to end; only answers from the model count. */
    private Stats misses(String base, String label) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<Double> ms = new ArrayList<>();
        String run = Long.toHexString(System.nanoTime());
        for (int i = 0; i < misses + 20; i++) {
            String question = "Bench " + label.charAt(0) + run + " question " + i + ": what does item " + Integer.toHexString(i * 7919)
                    + " of the catalogue " + run + " describe?";
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + (base.endsWith("/v1") ? "" : "/v1") + "/chat/completions"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer sk-bench-gateway-misses")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"deepseek-chat\",\"messages\":[{\"role\":\"user\",\"content\":"
                            + JSON.writeValueAsString(question) + "}]}")).build();
            long start = System.nanoTime();
            HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
            double took = (System.nanoTime() - start) / 1e6;
            if (r.statusCode() != 200) {
                throw new IllegalStateException("a miss " + label + " answered HTTP " + r.statusCode());
            }
            if (i >= 20 && r.headers().firstValue("X-PromptCache-Source").orElse("llm").equals("llm")) {
                ms.add(took); // the first 20 warm the path up
            }
        }
        return Stats.of(ms);
    }

    private void report(Round n, Round g, List<Round> ofNginx, List<Round> ofGateway, Stats direct, Stats through,
                        int upstreamCalls) throws IOException {
        double ratio = g.requestsPerSecond() / n.requestsPerSecond();
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("store", store.equals("memory") ? "memory" : "redis");
            o.put("connections", connections);
            o.put("secondsPerRound", seconds);
            o.put("rounds", rounds);
            o.put("nginx", n);
            o.put("gateway", g);
            o.put("nginxRounds", ofNginx);
            o.put("gatewayRounds", ofGateway);
            o.put("throughputRatio", ratio);
            o.put("missDirect", direct);
            o.put("missThroughGateway", through);
            o.put("missAddedMsP50", through.p50() - direct.p50());
            o.put("upstreamCalls", upstreamCalls);
            out.println(JSON.writeValueAsString(o));
            return;
        }
        out.printf(Locale.ROOT, "Exact hits, %d connections, median of %d rounds of %d s (wrk, alternating), gateway on %s:%n",
                connections, rounds, seconds, store.equals("memory") ? "the memory store" : "Redis");
        out.printf(Locale.ROOT, "  %-26s %12s %10s %10s%n", "", "requests/s", "p50 ms", "p99 ms");
        out.printf(Locale.ROOT, "  %-26s %12.0f %10.3f %10.3f%n", "nginx proxy_cache", n.requestsPerSecond(), n.p50(), n.p99());
        out.printf(Locale.ROOT, "  %-26s %12.0f %10.3f %10.3f%n", "PromptCache gateway", g.requestsPerSecond(), g.p50(), g.p99());
        out.printf(Locale.ROOT, "  gateway / nginx throughput: %.2fx%n", ratio);
        out.printf(Locale.ROOT, "A miss (%d sequential, new questions, simulator answering at once):%n", direct.n());
        out.printf(Locale.ROOT, "  %-26s %10s %10s%n", "", "p50 ms", "p99 ms");
        out.printf(Locale.ROOT, "  %-26s %10.3f %10.3f%n", "direct to the provider", direct.p50(), direct.p99());
        out.printf(Locale.ROOT, "  %-26s %10.3f %10.3f%n", "through the gateway", through.p50(), through.p99());
        out.printf(Locale.ROOT, "  added by the gateway: %.3f ms at p50, %.3f ms at p99%n",
                through.p50() - direct.p50(), through.p99() - direct.p99());
    }

    private static void deleteTree(Path root) {
        try (var walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder: the system clears it
        }
    }
}
