package io.promptcache.testing;

import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code redis-server} process this test started on a free port, and stops. The binary is the
 * machine's {@code redis-server} when there is one, else the one shipped inside the
 * {@code embedded-redis} test artifact, so tests run on a fresh laptop too.
 */
public final class RedisProcess implements AutoCloseable {

    private static Path binary;

    public final int port;
    public final Path dir;
    private final List<String> extraArgs;
    private Process process;

    private RedisProcess(int port, Path dir, List<String> extraArgs) {
        this.port = port;
        this.dir = dir;
        this.extraArgs = extraArgs;
    }

    /** Starts a server on a free port with {@code args} (for example "--appendonly", "yes"). */
    public static RedisProcess start(String... args) throws IOException {
        return startOn(freePort(), Files.createTempDirectory("promptcache-redis-"), args);
    }

    public static RedisProcess startOn(int port, Path dir, String... args) throws IOException {
        RedisProcess p = new RedisProcess(port, dir, List.of(args));
        p.launch();
        return p;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the same server again (same port, same directory, so the same AOF). */
    public void restart() throws IOException {
        stop();
        launch();
    }

    private void launch() throws IOException {
        List<String> cmd = new ArrayList<>(List.of(binary().toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "", "--daemonize", "no"));
        cmd.addAll(extraArgs);
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis-" + port + ".log").toFile()).start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Jedis j = new Jedis("127.0.0.1", port, 200)) {
                if ("PONG".equals(j.ping())) {
                    return;
                }
            } catch (RuntimeException notYet) {
                sleep(50);
            }
        }
        stop();
        throw new IOException("redis-server did not start on port " + port + "; see " + dir);
    }

    /** Freezes the server (SIGSTOP): connections stay open but nothing answers, as with a server stuck in a long command. */
    public void pause() throws IOException {
        signal("STOP");
    }

    /** Lets a paused server go on (SIGCONT). */
    public void resume() throws IOException {
        signal("CONT");
    }

    private void signal(String name) throws IOException {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IOException("kill -" + name + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Client connections open on the server, not counting the one that asks. */
    public int clients() {
        try (Jedis j = new Jedis("127.0.0.1", port, 2000)) {
            return (int) j.clientList().lines().filter(l -> !l.isBlank()).count() - 1;
        }
    }

    /** Stops the server, letting it flush its AOF. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy(); // SIGTERM: redis-server shuts down cleanly and fsyncs the AOF
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    static synchronized Path binary() throws IOException {
        if (binary != null) {
            return binary;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, "redis-server");
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return binary = candidate;
            }
        }
        String arch = System.getProperty("os.arch").contains("aarch64") ? "redis-server-6.2.7-linux-arm64"
                : "redis-server-6.2.6-v5-linux-amd64";
        try (InputStream in = RedisProcess.class.getClassLoader().getResourceAsStream(arch)) {
            if (in == null) {
                throw new IOException("no redis-server on PATH and " + arch + " not in the embedded-redis artifact");
            }
            Path out = Files.createTempFile("redis-server-", "");
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            out.toFile().setExecutable(true);
            out.toFile().deleteOnExit();
            return binary = out;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
