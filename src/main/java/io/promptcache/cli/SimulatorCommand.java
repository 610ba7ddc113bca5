package io.promptcache.cli;

import io.promptcache.deepseek.DeepSeekSimulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code promptcache simulator --port N}: the offline DeepSeek simulator as a server of its own, until
 * stopped, so any agent in any framework can be developed offline against {@code http://127.0.0.1:N}.
 */
@Command(name = "simulator", mixinStandardHelpOptions = true,
        description = {"Serve the offline DeepSeek simulator (POST /chat/completions, JSON and SSE, usage fields with "
                + "prompt_cache_hit_tokens, DeepSeek's prefix cache) until stopped with Ctrl-C.",
                "Point an OpenAI-compatible client at the printed base URL, with any API key."})
public final class SimulatorCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8787", paramLabel = "N", description = "Port on 127.0.0.1; 0 for a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--ttft-ms", defaultValue = "0", paramLabel = "MS", description = "Delay before the first token (default: ${DEFAULT-VALUE}).")
    long ttftMs;

    @Option(names = "--tokens-per-second", defaultValue = "0", paramLabel = "N",
            description = "Output rate; 0 for no delay (default: ${DEFAULT-VALUE}).")
    double tokensPerSecond;

    private final PrintStream out;
    private final CountDownLatch stop = new CountDownLatch(1);

    public SimulatorCommand() {
        this(System.out);
    }

    SimulatorCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("--port must be 0 to 65535, was " + port);
        }
        try (DeepSeekSimulator sim = DeepSeekSimulator.builder().port(port).timeToFirstToken(Duration.ofMillis(ttftMs))
                .tokensPerSecond(tokensPerSecond).start()) {
            Thread hook = new Thread(stop::countDown, "promptcache-simulator-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            out.println("DeepSeek simulator at " + sim.baseUrl() + " (model deepseek-chat; any API key). Ctrl-C stops it.");
            out.flush();
            stop.await();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already stopping
            }
        }
        return 0;
    }

    /** Stops a simulator started by {@link #call()} (tests). */
    void stop() {
        stop.countDown();
    }
}
