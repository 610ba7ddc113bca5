package io.promptcache.cli;

import io.promptcache.quality.InputFileException;

import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Says what went wrong in one line a user can act on, in the user's words: which file, which line, which
 * dependency, never a Java class name or a stack trace ({@code PROMPTCACHE_DEBUG=1} prints the trace too).
 */
final class FaultMessages {

    private FaultMessages() {
    }

    static String describe(Throwable e) {
        Throwable t = unwrap(e);
        if (t instanceof InputFileException || t instanceof IllegalArgumentException) {
            return t.getMessage();
        }
        if (t instanceof NoSuchFileException f) {
            return "no such file: " + f.getFile();
        }
        if (t instanceof AccessDeniedException f) {
            return "cannot read " + f.getFile() + ": permission denied";
        }
        if (t instanceof FileSystemException f) {
            return "cannot use " + f.getFile() + (f.getReason() == null ? "" : ": " + f.getReason().toLowerCase(java.util.Locale.ROOT));
        }
        if (t instanceof CharacterCodingException) {
            return "the input is not UTF-8 text; save it as UTF-8";
        }
        if (isConnectionFault(t)) {
            return "Redis does not answer (" + rootMessage(t) + ")";
        }
        String message = t.getMessage();
        return message == null || message.isBlank()
                ? "an internal error stopped the command; PROMPTCACHE_DEBUG=1 prints its details"
                : message;
    }

    /** Bad input (an option, a file) exits 2; a fault of the machine or a dependency exits 1. */
    static boolean isBadInput(Throwable e) {
        Throwable t = unwrap(e);
        return t instanceof IllegalArgumentException || t instanceof InputFileException || t instanceof NoSuchFileException
                || t instanceof CharacterCodingException;
    }

    /** A fault's kind as recorded by the cache ({@code DependencyHealth.lastFault}) in words. */
    static String kindInWords(String kind) {
        if (kind == null) {
            return "failed";
        }
        String k = kind.toLowerCase(java.util.Locale.ROOT);
        if (k.contains("timeout")) {
            return "timed out";
        }
        if (k.contains("connect") || k.contains("unknownhost") || k.contains("socket") || k.contains("closedchannel")) {
            return "does not answer";
        }
        if (k.contains("dimension")) {
            return "returned vectors of the wrong size";
        }
        if (k.contains("data") || k.contains("busy")) {
            return "refused a command";
        }
        return "failed";
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && (t instanceof UncheckedIOException || t instanceof ExecutionException
                || t instanceof CompletionException || t.getMessage() == null || t.getClass() == RuntimeException.class)) {
            t = t.getCause();
        }
        return t;
    }

    private static boolean isConnectionFault(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.net.ConnectException || c instanceof java.net.UnknownHostException
                    || c.getClass().getName().equals("redis.clients.jedis.exceptions.JedisConnectionException")) {
                return true;
            }
        }
        return false;
    }

    /** The innermost message, without the "java.net.ConnectException: " that wrappers put in front of it. */
    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage() == null ? "connection failed" : root.getMessage();
        return m.replaceAll("^([a-z]+\\.)+[A-Z]\\w*: ", "");
    }
}
