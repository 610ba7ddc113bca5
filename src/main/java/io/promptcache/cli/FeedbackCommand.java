package io.promptcache.cli;

import io.promptcache.redis.RedisCacheStore;
import io.promptcache.store.NearMiss;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/** {@code promptcache feedback export}: the near misses applications reported, as labelled pairs. */
@Command(name = "feedback", mixinStandardHelpOptions = true, description = "Reported wrong answers.",
        subcommands = FeedbackCommand.Export.class)
public final class FeedbackCommand implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Prints {@code text_a<TAB>text_b<TAB>0} per reported pair: input for {@code calibrate} and {@code bench quality}. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Print the reported near misses as labelled pairs (text_a<TAB>text_b<TAB>0), for calibrate and bench quality.")
    public static final class Export implements Callable<Integer> {

        @Mixin
        StoreLocation store;

        @Option(names = "--tenant", paramLabel = "ID", description = "Only this tenant (default: every tenant).")
        String tenant;

        private final PrintStream out;

        public Export() {
            this(System.out);
        }

        Export(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() {
            if (!store.redis()) {
                out.println("the memory store lives inside one process; give --store redis://… to export a shared cache's feedback");
                return 0;
            }
            try (RedisCacheStore cache = RedisCacheStore.builder().config(store.redisConfig()).build()) {
                for (String t : tenant != null ? java.util.List.of(tenant) : cache.tenantsWithFeedback()) {
                    for (NearMiss miss : cache.nearMisses(t, Integer.MAX_VALUE)) {
                        out.println(miss.toLabelledPair());
                    }
                }
            }
            return 0;
        }
    }
}
