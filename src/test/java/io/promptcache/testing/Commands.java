package io.promptcache.testing;

import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs a CLI command in this JVM as {@code promptcache} does: bad input exits 2, anything else that fails 1. */
public final class Commands {

    private Commands() {
    }

    /** Exit code and what the command printed on its error stream. */
    public record Run(int code, String out) {
    }

    public static Run run(Object command, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = new CommandLine(command).setExecutionExceptionHandler((e, cmd, parsed) -> {
            new PrintStream(bytes, true, StandardCharsets.UTF_8).println("error: " + e.getMessage());
            return e instanceof IllegalArgumentException ? 2 : 1;
        }).execute(args);
        return new Run(code, bytes.toString(StandardCharsets.UTF_8));
    }

    public static PrintStream to(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
