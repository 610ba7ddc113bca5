package io.promptcache.cli;

import io.promptcache.cli.bench.BenchCommand;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code java -jar target/promptcache.jar}. */
@Command(name = "promptcache", mixinStandardHelpOptions = true, versionProvider = PromptCacheCli.Version.class,
        description = "Exact, semantic and provider-prefix caching for LangChain4j agents.",
        subcommands = {ChatCommand.class, StatsCommand.class, EntriesCommand.class, ClearCommand.class, FeedbackCommand.class,
                BenchCommand.class, CalibrateCommand.class, CalibrationCommand.class, SimulatorCommand.class})
public final class PromptCacheCli implements Runnable {

    public static void main(String[] args) {
        quietLibraryLogging();
        int code = new CommandLine(new PromptCacheCli())
                // One line a user can act on, not a stack trace: bad input exits 2, anything else 1.
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    System.err.println("promptcache " + cmd.getCommandName() + ": " + FaultMessages.describe(e));
                    return e instanceof IllegalArgumentException ? 2 : 1;
                })
                .execute(args);
        System.exit(code);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** The version from the jar's manifest (Implementation-Version), so it never drifts from the POM. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = PromptCacheCli.class.getPackage().getImplementationVersion();
            return new String[]{"promptcache " + (v == null ? "(development build)" : v)};
        }
    }

    /** The CLI prints its own results; library chatter (ONNX, DJL) goes to stderr at WARN and above only. */
    private static void quietLibraryLogging() {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.ai.djl", "error");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
