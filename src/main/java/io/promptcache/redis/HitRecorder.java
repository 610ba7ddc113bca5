package io.promptcache.redis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Hits waiting to be written: a hit is served after one read, and its metadata (hit count, last
 * access, LRU position) follows in the background, coalesced per entry and pipelined in batches.
 * A fault drops the batch: it is metadata, and the cache must not queue without bound while Redis
 * is away.
 */
final class HitRecorder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HitRecorder.class);
    private static final int MAX_PENDING = 100_000;

    /** The hits of one entry since the last flush, as written. */
    record Touch(String tag, String id, long lastAccess, int count) {
    }

    /**
     * The hits of one entry since the last flush, counted without a lock or an allocation per hit. A flush
     * removes it and seals it ({@link #SEALED}); a hit that finds it sealed starts a new one, so no hit is
     * counted twice or lost between the two.
     */
    private static final class Pending {
        static final long SEALED = Long.MIN_VALUE;
        final String tag;
        final String id;
        final AtomicLong hits = new AtomicLong();
        volatile long lastAccess;

        Pending(String tag, String id) {
            this.tag = tag;
            this.id = id;
        }
    }

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Consumer<List<Touch>> writer;
    private final ScheduledExecutorService scheduler;

    HitRecorder(Consumer<List<Touch>> writer, Duration interval) {
        this.writer = writer;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "promptcache-hit-writer");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::flushQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void record(String tag, String id, long now) {
        String key = tag + '\u0000' + id;
        while (true) {
            Pending p = pending.get(key);
            if (p == null) {
                if (pending.size() >= MAX_PENDING) {
                    return;
                }
                p = pending.computeIfAbsent(key, k -> new Pending(tag, id));
            }
            if (now > p.lastAccess) {
                p.lastAccess = now; // before the count: a flush that sees the hit sees its time (or a later one)
            }
            long n = p.hits.get();
            if (n != Pending.SEALED) {
                if (p.hits.compareAndSet(n, n + 1)) {
                    return;
                }
            } else {
                pending.remove(key, p); // taken by a flush: the next turn starts a new one
            }
        }
    }

    /** Writes what is pending now; throws if Redis fails. */
    synchronized void flush() {
        if (pending.isEmpty()) {
            return;
        }
        List<Touch> batch = new ArrayList<>();
        for (String key : pending.keySet()) {
            Pending p = pending.remove(key);
            if (p == null) {
                continue;
            }
            long hits = p.hits.getAndSet(Pending.SEALED);
            if (hits > 0) {
                batch.add(new Touch(p.tag, p.id, p.lastAccess, (int) Math.min(Integer.MAX_VALUE, hits)));
            }
        }
        if (!batch.isEmpty()) {
            writer.accept(batch);
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.debug("hit metadata not written", e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdown();
        flushQuietly();
    }
}
