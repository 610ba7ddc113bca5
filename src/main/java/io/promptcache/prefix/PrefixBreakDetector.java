package io.promptcache.prefix;

import dev.langchain4j.model.chat.request.ChatRequest;
import io.promptcache.key.Sha256;
import io.promptcache.core.CacheMessage;
import io.promptcache.core.CacheRequest;
import io.promptcache.core.CacheTool;
import io.promptcache.langchain4j.LangChain4jConversions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Warns when an application breaks its own prompt prefix: when the stable part of a conversation's
 * requests (system messages and tool definitions) changes from one request to the next, every token
 * after the change misses the provider's prefix cache. The change is classified (a date or time, a
 * UUID, a counter, the tool set, other system-prompt text) and logged once per cause and place, at
 * WARN, with the position and the cacheable tokens lost, never the prompt text. Every break is counted.
 */
public final class PrefixBreakDetector {

    private static final Logger LOG = LoggerFactory.getLogger(PrefixBreakDetector.class);

    /** What changed in the stable prefix. */
    public enum Cause {
        /** A date or time in the system prompt, such as AiServices' {@code {{current_date_time}}}. */
        DATE_TIME,
        /** A UUID in the system prompt. */
        UUID,
        /** A number that changes from request to request. */
        COUNTER,
        /** Tools added, removed, changed or reordered. */
        TOOLS,
        /** Other text of the system prompt. */
        SYSTEM_PROMPT
    }

    /**
     * One break of the prefix.
     *
     * @param cause      what changed
     * @param where      where, without prompt text: "system prompt at character 812 (line 14)" or the tool names
     * @param lostTokens cacheable prompt tokens of the request that now miss the provider's cache (estimate)
     */
    public record PrefixBreak(Cause cause, String where, int lostTokens) {
    }

    /** Receives the warnings; the default logs them at WARN. */
    @FunctionalInterface
    public interface Sink {
        void warn(PrefixBreak prefixBreak);
    }

    private static final Pattern DATE_TIME = Pattern.compile(
            "\\d{4}[-/.年]\\d{1,2}[-/.月]\\d{1,2}日?(?:[T ]?\\d{1,2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?"
                    + "|\\d{1,2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?");
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern TOOL_NAME = Pattern.compile("\"name\":\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final int MAX_PREFIX_TEXTS = 256;
    private static final int MAX_WARNED = 1024;

    private final Set<Cause> silenced;
    private final Sink sink;
    private final int maxConversations;
    private final Map<String, String> lastPrefixOfConversation;
    private final Map<String, Prefix> prefixes = new ConcurrentHashMap<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private final Map<Cause, LongAdder> counts = new EnumMap<>(Cause.class);

    private PrefixBreakDetector(Builder b) {
        this.silenced = b.silenced.isEmpty() ? EnumSet.noneOf(Cause.class) : EnumSet.copyOf(b.silenced);
        this.sink = b.sink;
        this.maxConversations = b.maxConversations;
        this.lastPrefixOfConversation = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > maxConversations;
            }
        };
        for (Cause c : Cause.values()) {
            counts.put(c, new LongAdder());
        }
    }

    public static PrefixBreakDetector defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Breaks seen so far, by cause, silenced ones included. */
    public Map<Cause, Long> counts() {
        Map<Cause, Long> out = new EnumMap<>(Cause.class);
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Looks at one request as it will be sent; returns the break it found, if any. */
    public PrefixBreak observe(String tenant, String user, ChatRequest request) {
        return observe(tenant, user, LangChain4jConversions.request(request));
    }

    /** Looks at one request as it will be sent; returns the break it found, if any. */
    public PrefixBreak observe(String tenant, String user, CacheRequest request) {
        List<CacheMessage> messages = request.messages();
        String firstTurn = null;
        StringBuilder system = new StringBuilder();
        List<CacheMessage> history = new ArrayList<>();
        for (CacheMessage m : messages) {
            if (m.role() == CacheMessage.Role.SYSTEM) {
                system.append(m.text()).append('\n');
            } else {
                if (firstTurn == null) {
                    firstTurn = m.encoded();
                }
                history.add(m);
            }
        }
        if (firstTurn == null) {
            return null;
        }
        Prefix current = new Prefix(system.toString(), request.tools());
        String conversation = Sha256.start().field(tenant).field(user).field(firstTurn).hex();
        String previousHash;
        synchronized (lastPrefixOfConversation) {
            previousHash = lastPrefixOfConversation.put(conversation, current.hash);
        }
        if (prefixes.size() >= MAX_PREFIX_TEXTS) {
            prefixes.clear();
        }
        prefixes.putIfAbsent(current.hash, current);
        if (previousHash == null || previousHash.equals(current.hash)) {
            return null;
        }
        Prefix previous = prefixes.get(previousHash);
        if (previous == null) {
            return null; // forgotten under memory pressure: cannot say what changed
        }
        int historyTokens = 0;
        for (int i = 0; i < history.size() - 1; i++) {
            historyTokens += TokenEstimator.count(history.get(i).encoded());
        }
        PrefixBreak found = classify(previous, current, historyTokens);
        counts.get(found.cause()).increment();
        if (!silenced.contains(found.cause()) && warned.size() < MAX_WARNED && warned.add(found.cause() + "|" + found.where())) {
            sink.warn(found);
        }
        return found;
    }

    private static PrefixBreak classify(Prefix previous, Prefix current, int historyTokens) {
        if (previous.system.equals(current.system)) {
            int lost = current.toolsTokens() + historyTokens;
            return new PrefixBreak(Cause.TOOLS, "tools " + describeToolChange(previous.tools, current.tools), lost);
        }
        String a = previous.system;
        String b = current.system;
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        int lost = TokenEstimator.count(b.substring(Math.min(i, b.length()))) + current.toolsTokens() + historyTokens;
        // Name the place by where the volatile token starts, not by the first differing character,
        // so the same time stamp is one place however many of its digits changed.
        Cause cause;
        int anchor = volatileStart(DATE_TIME, b, i);
        if (anchor >= 0) {
            cause = Cause.DATE_TIME;
        } else if ((anchor = volatileStart(UUID, b, i)) >= 0) {
            cause = Cause.UUID;
        } else if (digitsOnlyChange(a, b, i)) {
            cause = Cause.COUNTER;
            anchor = i;
            while (anchor > 0 && Character.isDigit(b.charAt(anchor - 1))) {
                anchor--;
            }
        } else {
            cause = Cause.SYSTEM_PROMPT;
            anchor = i;
        }
        int line = 1;
        for (int k = 0; k < anchor && k < b.length(); k++) {
            if (b.charAt(k) == '\n') {
                line++;
            }
        }
        return new PrefixBreak(cause, "system prompt at character " + anchor + " (line " + line + ")", lost);
    }

    /** Start of the match of {@code pattern} in {@code text} that covers position {@code at}, or -1. */
    private static int volatileStart(Pattern pattern, String text, int at) {
        int from = Math.max(0, at - 40);
        Matcher m = pattern.matcher(text.substring(from, Math.min(text.length(), at + 40)));
        while (m.find()) {
            if (from + m.start() <= at && at < from + m.end()) {
                return from + m.start();
            }
        }
        return -1;
    }

    /** True when the two texts differ only in a run of digits starting around {@code at}. */
    private static boolean digitsOnlyChange(String a, String b, int at) {
        int start = at;
        while (start > 0 && Character.isDigit(b.charAt(Math.min(start, b.length()) - 1))) {
            start--;
        }
        int endA = start;
        while (endA < a.length() && Character.isDigit(a.charAt(endA))) {
            endA++;
        }
        int endB = start;
        while (endB < b.length() && Character.isDigit(b.charAt(endB))) {
            endB++;
        }
        return (endA > start || endB > start) && a.substring(endA).equals(b.substring(endB));
    }

    private static String describeToolChange(List<String> before, List<String> after) {
        Set<String> removed = new TreeSet<>(names(before));
        removed.removeAll(names(after));
        Set<String> added = new TreeSet<>(names(after));
        added.removeAll(names(before));
        List<String> parts = new ArrayList<>();
        if (!added.isEmpty()) {
            parts.add("added " + added);
        }
        if (!removed.isEmpty()) {
            parts.add("removed " + removed);
        }
        if (parts.isEmpty()) {
            parts.add(new HashSet<>(before).equals(new HashSet<>(after)) ? "reordered" : "definitions changed");
        }
        return String.join(", ", parts);
    }

    private static List<String> names(List<String> toolJson) {
        List<String> out = new ArrayList<>();
        for (String json : toolJson) {
            Matcher m = TOOL_NAME.matcher(json);
            out.add(m.find() ? m.group(1) : "?");
        }
        return out;
    }

    /** The stable prefix of a request: system text and tool definitions in the order sent. */
    private static final class Prefix {
        final String system;
        final List<String> tools;
        final String hash;

        Prefix(String system, List<CacheTool> sent) {
            this.system = system;
            List<String> t = new ArrayList<>();
            for (CacheTool tool : sent) {
                t.add(tool.canonicalJson());
            }
            this.tools = List.copyOf(t);
            Sha256 h = Sha256.start().field(system);
            tools.forEach(h::field);
            this.hash = h.hex();
        }

        int toolsTokens() {
            int n = 0;
            for (String t : tools) {
                n += TokenEstimator.count(t);
            }
            return n;
        }
    }

    /** Builder of {@link PrefixBreakDetector}. */
    public static final class Builder {
        private final Set<Cause> silenced = new HashSet<>();
        private Sink sink = b -> LOG.warn("prompt prefix broken: {} changed at {}; about {} cacheable prompt tokens now miss "
                + "the provider's cache. Keep volatile content out of system prompts and tool definitions.",
                b.cause(), b.where(), b.lostTokens());
        private int maxConversations = 10_000;

        /** Counts breaks of these causes but does not warn about them. */
        public Builder silence(Cause... causes) {
            for (Cause c : causes) {
                silenced.add(Objects.requireNonNull(c, "cause"));
            }
            return this;
        }

        public Builder sink(Sink sink) {
            this.sink = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /** How many conversations are remembered (least recently seen are forgotten). */
        public Builder maxConversations(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxConversations must be at least 1");
            }
            this.maxConversations = max;
            return this;
        }

        public PrefixBreakDetector build() {
            return new PrefixBreakDetector(this);
        }
    }
}
