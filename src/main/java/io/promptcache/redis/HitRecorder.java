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

    /** The hits of one entry since the last flush. */
    record Touch(String tag, String id, long lastAccess, int count) {
    }

    private final Map<String, Touch> pending = new ConcurrentHashMap<>();
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
        if (pending.size() >= MAX_PENDING) {
            return;
        }
        pending.merge(tag + '\u0000' + id, new Touch(tag, id, now, 1),
                (a, b) -> new Touch(tag, id, Math.max(a.lastAccess(), b.lastAccess()), a.count() + b.count()));
    }

    /** Writes what is pending now; throws if Redis fails. */
    synchronized void flush() {
        if (pending.isEmpty()) {
            return;
        }
        List<Touch> batch = new ArrayList<>();
        for (String key : pending.keySet()) {
            // remove(key) takes the value atomically: a hit merged after a read of the value and before
            // a removal of the entry would be lost.
            Touch touch = pending.remove(key);
            if (touch != null) {
                batch.add(touch);
            }
        }
        writer.accept(batch);
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
