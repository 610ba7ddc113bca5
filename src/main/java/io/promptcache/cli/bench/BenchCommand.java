package io.promptcache.cli.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code promptcache bench ...}: benchmarks of speed and memory. Not tests: they measure, they do not judge. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks. Speeds are reported as ratios against a baseline measured in the same run.",
        subcommands = {StreamBench.class, StoreBench.class, QualityBench.class, SoakBench.class, ConversationBench.class,
                StampedeBench.class, SelfCalibrationBench.class, GatewayBench.class})
public final class BenchCommand implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
