package io.promptcache.cli;

import io.promptcache.cli.bench.BenchCommand;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintStream;

/** Entry point of {@code java -jar target/promptcache.jar}. */
@Command(name = "promptcache", mixinStandardHelpOptions = true, versionProvider = PromptCacheCli.Version.class,
        description = "Exact, semantic and provider-prefix caching for LangChain4j agents.",
        subcommands = {ChatCommand.class, StatsCommand.class, EntriesCommand.class, ClearCommand.class, FeedbackCommand.class,
                BenchCommand.class, CalibrateCommand.class, CalibrationCommand.class, SimulatorCommand.class,
                GatewayCommand.class})
public final class PromptCacheCli implements Runnable {

    public static void main(String[] args) {
        quietLibraryLogging();
        System.exit(commandLine(new PromptCacheCli(), System.err).execute(args));
    }

    /**
     * {@code command} (the whole tree, or one subcommand in a test) as the user runs it: a failure is one line on
     * {@code err} in the user's words, prefixed with the whole command ({@code promptcache bench store: …}), bad input
     * exits 2 and anything else 1; every subcommand answers {@code --version}; every option's help shows its default.
     */
    public static CommandLine commandLine(Object command, PrintStream err) {
        CommandLine cl = new CommandLine(command);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            String name = cmd.getCommandSpec().qualifiedName();
            err.println((name.startsWith("promptcache") ? name : "promptcache " + name) + ": " + FaultMessages.describe(e));
            if (System.getenv("PROMPTCACHE_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return FaultMessages.isBadInput(e) ? 2 : 1;
        });
        everyCommand(cl, PromptCacheCli::withVersionAndDefaults);
        return cl;
    }

    private static void everyCommand(CommandLine cl, java.util.function.Consumer<CommandLine.Model.CommandSpec> each) {
        each.accept(cl.getCommandSpec());
        cl.getSubcommands().values().forEach(sub -> everyCommand(sub, each));
    }

    private static void withVersionAndDefaults(CommandLine.Model.CommandSpec spec) {
        spec.versionProvider(new Version());
        for (CommandLine.Model.OptionSpec o : new java.util.ArrayList<>(spec.options())) {
            String[] d = o.description();
            String shown = o.defaultValueString();
            if (o.usageHelp() || o.versionHelp() || o.arity().max() == 0 || o.required() || shown == null || shown.equals("null")
                    || d.length == 0
                    || String.join(" ", d).contains("default")) {
                continue;
            }
            d = d.clone();
            String last = d[d.length - 1].stripTrailing();
            d[d.length - 1] = last.endsWith(".") ? last.substring(0, last.length() - 1) + " (default: " + shown + ")."
                    : last + " (default: " + shown + ")";
            // OptionSpec is immutable: rebuild this one with the longer description in its place.
            spec.remove(o);
            spec.addOption(o.toBuilder().description(d).build());
        }
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

    /**
     * The CLI prints its own results, and says each degraded dependency once in its own words (HealthReport), so
     * the cache's and Jedis's fault logs stay quiet unless asked for ({@code -Dorg.slf4j.simpleLogger.log.io.promptcache=warn}):
     * a log line would repeat that line and could land inside a progress line. Other libraries' chatter (ONNX,
     * DJL) goes to stderr at WARN and above only.
     */
    private static void quietLibraryLogging() {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.ai.djl", "error");
        setIfAbsent("org.slf4j.simpleLogger.log.io.promptcache", "error");
        setIfAbsent("org.slf4j.simpleLogger.log.redis.clients", "error");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
