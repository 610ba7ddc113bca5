package io.promptcache.cli;

import java.io.PrintStream;

/**
 * The CLI's stderr: one progress line rewritten in place, and whole-line notes (a degraded dependency, a
 * warning) that never land inside it: a note ends the progress line first and redraws it after.
 * Thread-safe, since benches report from their worker threads.
 */
public final class StatusLine {

    private final PrintStream err;
    private String shown;

    public StatusLine(PrintStream err) {
        this.err = err;
    }

    /** The CLI's own: on {@code System.err}. */
    public static StatusLine stderr() {
        return new StatusLine(System.err);
    }

    /** Replaces the progress line. */
    public synchronized void progress(String text) {
        int pad = shown == null ? 0 : Math.max(0, shown.length() - text.length());
        err.print("\r" + text + " ".repeat(pad));
        err.flush();
        shown = text;
    }

    /** One whole line; the progress line, if any, is ended first and drawn again below it. */
    public synchronized void note(String line) {
        if (shown != null) {
            err.println();
        }
        err.println(line);
        if (shown != null) {
            err.print(shown);
        }
        err.flush();
    }

    /** Wipes the progress line, so that a result printed next starts on a clean line. */
    public synchronized void clear() {
        if (shown != null) {
            err.print("\r" + " ".repeat(shown.length()) + "\r");
            err.flush();
            shown = null;
        }
    }

    /** Ends the progress line, keeping its last text. */
    public synchronized void done() {
        if (shown != null) {
            err.println();
            err.flush();
            shown = null;
        }
    }
}
