package io.promptcache.cli;

import io.promptcache.Durations;
import io.promptcache.redis.RedisCacheStore;
import io.promptcache.redis.RedisEmbeddingStore;
import io.promptcache.store.CacheEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * {@code promptcache clear}: removes entries, with their vectors: a whole tenant (or every tenant), or
 * only the entries that match {@code --entry}, {@code --question}, {@code --older-than} and
 * {@code --model} (all that are given). {@code --dry-run} prints what would go. Options are checked
 * before anything is read, so a bad one removes nothing.
 */
@Command(name = "clear", mixinStandardHelpOptions = true,
        description = "Remove entries: a tenant's, every tenant's, or those matching --entry, --question, --older-than, --model.")
public final class ClearCommand implements Callable<Integer> {

    /** Longest question text --question accepts: far above any question a chat model takes in one message. */
    static final int MAX_QUESTION_CHARS = 32_768;

    @Mixin
    StoreLocation store;

    @Option(names = "--tenant", paramLabel = "ID", description = "Only this tenant (default: every tenant).")
    String tenant;

    @Option(names = "--entry", paramLabel = "ID",
            description = "Only this entry: its id, or any prefix of it that names one entry (`entries` shows the first 10 characters); "
                    + "needs --tenant. Exits 1 when no entry matches.")
    String entry;

    @Option(names = "--question", paramLabel = "TEXT", description = "Only entries for exactly this question; needs --tenant.")
    String question;

    @Option(names = "--older-than", paramLabel = "DURATION", description = "Only entries created longer ago than this (90s, 30m, 24h, 7d).")
    String olderThan;

    @Option(names = "--model", paramLabel = "NAME", description = "Only entries answered by this model.")
    String model;

    @Option(names = "--dry-run", description = "Print what would be removed, and remove nothing.")
    boolean dryRun;

    private final PrintStream out;
    private final PrintStream err;

    public ClearCommand() {
        this(System.out, System.err);
    }

    ClearCommand(PrintStream out) {
        this(out, out);
    }

    ClearCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        Predicate<CacheEntry> which = filter();
        if (!store.redis()) {
            out.println("the memory store lives inside one process; give --store redis://… to clear a shared cache");
            return 0;
        }
        try (RedisCacheStore cache = RedisCacheStore.builder().config(store.redisConfig()).build()) {
            List<String> tenants = EntryWalk.tenants(cache, tenant);
            if (which == null && !dryRun) {
                if (tenant == null) {
                    tenants = cache.registeredTenants(); // also those with only feedback left: forget them all
                }
                long removed = 0;
                for (String t : tenants) {
                    removed += cache.clearTenant(t);
                }
                if (tenant == null) {
                    cache.client().del(cache.keys().events(), cache.keys().meta());
                }
                out.printf("removed %d entries of %d tenant(s)%n", removed, tenants.size());
                return 0;
            }
            // Collect first, then remove: removing while a ZSCAN is under way could skip entries.
            List<CacheEntry> matching = new ArrayList<>();
            EntryWalk.each(cache, tenants, e -> {
                if (which == null || which.test(e)) {
                    matching.add(e);
                }
            });
            if (entry != null) {
                Integer refused = refuseAmbiguousOrMissingEntry(matching);
                if (refused != null) {
                    return refused;
                }
            }
            long removed = 0;
            for (CacheEntry e : matching) {
                if (dryRun) {
                    out.printf("would remove %s %s %s%n", e.tenant(), e.id(), e.question() == null ? "" : e.question());
                    continue;
                }
                try {
                    if (cache.remove(e.tenant(), e.id())) {
                        RedisEmbeddingStore.announceRemoval(cache.client(), cache.keys(), e.tenant(), e.id());
                        removed++;
                    }
                } catch (RuntimeException fault) {
                    // Say exactly how far it got: running the same command again finishes the job.
                    throw new IllegalStateException("removed " + removed + " of " + matching.size()
                            + " matching entries, then Redis failed (" + FaultMessages.describe(fault) + "); run it again", fault);
                }
            }
            out.printf(dryRun ? "would remove %d entries%n" : "removed %d entries%n", dryRun ? matching.size() : removed);
        }
        return 0;
    }

    /**
     * {@code --entry} names one entry: an ambiguous prefix is refused (exit 2) with the ids it matches, and a prefix
     * that matches nothing exits 1, so a script can tell "removed" from "was not there".
     */
    private Integer refuseAmbiguousOrMissingEntry(List<CacheEntry> matching) {
        List<String> ids = matching.stream().map(CacheEntry::id).distinct().sorted().toList();
        if (ids.isEmpty()) {
            err.printf("promptcache clear: no entry of tenant %s has an id starting with %s (with the other filters given); "
                    + "nothing removed%n", tenant, entry);
            return 1;
        }
        if (ids.size() > 1) {
            err.printf("promptcache clear: --entry %s matches %d entries of tenant %s: %s%s; give more of the id%n", entry,
                    ids.size(), tenant, String.join(", ", ids.subList(0, Math.min(5, ids.size()))), ids.size() > 5 ? ", …" : "");
            return 2;
        }
        return null;
    }

    /** The entries the options select, or null for all of them; throws on a bad option before any I/O. */
    Predicate<CacheEntry> filter() {
        if ((entry != null || question != null) && tenant == null) {
            throw new IllegalArgumentException("--entry and --question need --tenant: entries and questions belong to one tenant");
        }
        if (question != null && (question.isBlank() || question.length() > MAX_QUESTION_CHARS)) {
            throw new IllegalArgumentException("--question must be 1 to " + MAX_QUESTION_CHARS + " characters, was "
                    + question.length());
        }
        if (entry != null && entry.isBlank()) {
            throw new IllegalArgumentException("--entry needs an entry id, or a prefix of one, as `entries` shows it");
        }
        Predicate<CacheEntry> p = null;
        if (entry != null) {
            p = and(p, e -> e.id().startsWith(entry));
        }
        if (question != null) {
            p = and(p, e -> question.equals(e.question()));
        }
        if (olderThan != null) {
            Duration age = Durations.parse(olderThan);
            if (age.isNegative() || age.isZero()) {
                throw new IllegalArgumentException("--older-than must be positive, was " + olderThan);
            }
            long before = System.currentTimeMillis() - age.toMillis();
            p = and(p, e -> e.createdAt() < before);
        }
        if (model != null) {
            p = and(p, e -> model.equals(e.response().modelName()));
        }
        return p;
    }

    private static Predicate<CacheEntry> and(Predicate<CacheEntry> a, Predicate<CacheEntry> b) {
        return a == null ? b : a.and(b);
    }
}
