package io.promptcache.quality;

/** A one-line progress bar on stderr, for the benchmarks: they take minutes on the public pair sets. */
public final class ProgressBar {

    private final String verb;
    private final String label;
    private final int total;
    private final long start = System.nanoTime();
    private long lastPrint;

    public ProgressBar(String verb, String label, int total) {
        this.verb = verb;
        this.label = label;
        this.total = total;
    }

    public void update(int done) {
        long now = System.nanoTime();
        if (now - lastPrint < 200_000_000L && done < total) {
            return;
        }
        lastPrint = now;
        int width = 30;
        int filled = total == 0 ? width : (int) ((long) width * done / total);
        double rate = done / Math.max(1e-9, (now - start) / 1e9);
        System.err.printf("\r%s %-22s [%s%s] %d/%d pairs, %.0f/s ", verb, label, "=".repeat(filled),
                " ".repeat(width - filled), done, total, rate);
    }

    public void done() {
        System.err.printf("%n");
    }
}
