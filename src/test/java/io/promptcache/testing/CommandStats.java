package io.promptcache.testing;

/** Reads Redis's INFO commandstats: how many times each command ran, to count round trips. */
public final class CommandStats {

    private CommandStats() {
    }

    public static long calls(String info, String command) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("cmdstat_" + command + ":calls=")) {
                return Long.parseLong(line.substring(("cmdstat_" + command + ":calls=").length()).split(",")[0]);
            }
        }
        return 0;
    }
}
