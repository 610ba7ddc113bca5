package io.promptcache.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code promptcache} command as a user runs it: its own JVM, questions on standard input one at
 * a time, one JSON line per answer read back before the next question is written, so a test can break
 * a dependency between two lines.
 */
public final class CliProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Writer stdin;
    private final BufferedReader stdout;
    private final Path stderr;

    private CliProcess(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Starts {@code promptcache chat --json} with {@code args} on this test's class path. */
    public static CliProcess chat(Map<String, String> env, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("chat", "--json"));
        all.addAll(List.of(args));
        return start(env, all);
    }

    /** What a finished command printed, and its exit status. */
    public record Result(int code, String out, String err) {
    }

    /** Runs {@code promptcache ARGS} to its end, in its own JVM with the CLI's own logging set-up, no input. */
    public static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        try (CliProcess cli = start(env, List.of(args))) {
            cli.stdin.close();
            StringBuilder out = new StringBuilder();
            char[] buf = new char[8192];
            for (int n; (n = cli.stdout.read(buf)) >= 0; ) {
                out.append(buf, 0, n);
            }
            if (!cli.process.waitFor(5, TimeUnit.MINUTES)) {
                throw new IOException("promptcache " + String.join(" ", args) + " did not exit");
            }
            return new Result(cli.process.exitValue(), out.toString(), cli.stderrText());
        }
    }

    /**
     * The command as a user's shell starts it: only the JVM's own options, so the CLI's own logging set-up applies
     * (PromptCacheCli sets the levels it needs), with no API key and no Ollama from this machine's environment.
     */
    private static CliProcess start(Map<String, String> env, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.promptcache.cli.PromptCacheCli"));
        cmd.addAll(args);
        Path err = Files.createTempFile("promptcache-cli-", ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
        pb.environment().remove("DEEPSEEK_API_KEY");
        pb.environment().remove("OLLAMA_BASE_URL");
        pb.environment().remove("PROMPTCACHE_DEBUG");
        pb.environment().putAll(env);
        return new CliProcess(pb.start(), err);
    }

    /** Starts {@code promptcache ARGS} and leaves it running: for a server command (simulator, gateway). */
    public static CliProcess launch(Map<String, String> env, String... args) throws IOException {
        return start(env, List.of(args));
    }

    /** The next line the command printed, or null when it ended. */
    public String readLine() throws IOException {
        return stdout.readLine();
    }

    public Process process() {
        return process;
    }

    /** Writes one question and reads its JSON line. */
    public JsonNode ask(String question) throws IOException {
        stdin.write(question + "\n");
        stdin.flush();
        String line = stdout.readLine();
        if (line == null) {
            throw new IOException("the CLI ended before answering; stderr:\n" + stderrText());
        }
        return JSON.readTree(line);
    }

    /** A blank line: the next question starts a new conversation. */
    public void newConversation() throws IOException {
        stdin.write("\n");
        stdin.flush();
    }

    /** Closes standard input and waits for the exit status. */
    public int finish() throws IOException, InterruptedException {
        stdin.close();
        while (stdout.readLine() != null) {
            // the session summary goes to stderr with --json; nothing else is expected here
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("the CLI did not exit");
        }
        return process.exitValue();
    }

    public String stderrText() throws IOException {
        return Files.readString(stderr, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        Files.deleteIfExists(stderr);
    }
}
