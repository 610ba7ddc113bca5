package io.promptcache.testing;

import io.promptcache.cli.PromptCacheCli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs a CLI command in this JVM as {@code promptcache} does, through the CLI's own command line: the same
 * one-line error in the user's words, bad input exits 2, anything else that fails 1.
 */
public final class Commands {

    private Commands() {
    }

    /** Exit code and what the command printed on its error stream. */
    public record Run(int code, String out) {
    }

    public static Run run(Object command, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = PromptCacheCli.commandLine(command, to(bytes)).execute(args);
        return new Run(code, bytes.toString(StandardCharsets.UTF_8));
    }

    public static PrintStream to(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
