package io.promptcache.redis;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Entry reads ({@code HMGET}) that arrive together share one round trip once there are many of them. While
 * at most twice as many reads as round trips are in flight, each is a plain {@code HMGET} of its own. Past
 * that, a caller queues its read and, when one of the round trips is free, sends everything queued so far:
 * alone, as a plain {@code HMGET}; with others, as one pipeline. A caller that finds every round trip busy
 * waits for one to finish and is sent by the next.
 *
 * <p>Why: on a busy instance every hit otherwise pays its own system calls on both sides of the socket,
 * which is most of a hit's cost (Redis spends a microsecond on the {@code HMGET} itself). Batching turns
 * sixteen writes and reads into one of each, on the client and on the server. With few callers it does
 * not pay: a caller would wait up to a round trip for company that saves little, so it goes alone.
 *
 * <p>Faults: a failed pipeline fails every read in it, and each caller fails open as it would alone; a
 * reply that is an error (a key of another type) fails only its own read. A waiter waits at most for the
 * read ahead of it and its own, each bounded by the client's socket timeout.
 */
final class ReadBatcher {

    /** Enough to share a round trip across a large pool of request threads, small enough to stay one packet. */
    static final int MAX_BATCH = 64;

    private final UnifiedJedis jedis;
    private final byte[][] fields;
    private final ConcurrentLinkedQueue<Read> queue = new ConcurrentLinkedQueue<>();
    private final Semaphore lanes;
    private final int alone;
    private final AtomicInteger inFlight = new AtomicInteger();

    ReadBatcher(UnifiedJedis jedis, byte[][] fields, int roundTrips) {
        this.jedis = jedis;
        this.fields = fields;
        this.lanes = new Semaphore(roundTrips);
        this.alone = 2 * roundTrips;
    }

    /** The fields' values of the hash at {@code key}, as {@code HMGET} returns them. */
    List<byte[]> read(byte[] key) {
        try {
            return inFlight.incrementAndGet() <= alone ? jedis.hmget(key, fields) : shared(key);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private List<byte[]> shared(byte[] key) {
        Read mine = new Read(key, Thread.currentThread());
        queue.add(mine);
        boolean interrupted = false;
        while (!mine.done) {
            if (lanes.tryAcquire()) {
                try {
                    send();
                } finally {
                    lanes.release();
                }
                // Someone may have queued while every lane was busy: wake the oldest to send it.
                Read next = queue.peek();
                if (next != null) {
                    LockSupport.unpark(next.caller);
                }
            } else {
                LockSupport.park(this);
                // A hit is a bounded wait for a reply already on the wire: finish it, keep the interrupt.
                interrupted |= Thread.interrupted();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (mine.error != null) {
            throw mine.error;
        }
        return mine.values;
    }

    private void send() {
        List<Read> batch = new ArrayList<>();
        Read r;
        while (batch.size() < MAX_BATCH && (r = queue.poll()) != null) {
            batch.add(r);
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            if (batch.size() == 1) {
                batch.get(0).values = jedis.hmget(batch.get(0).key, fields);
            } else {
                pipelined(batch);
            }
        } catch (RuntimeException e) {
            for (Read read : batch) {
                if (read.values == null && read.error == null) {
                    read.error = e;
                }
            }
        } finally {
            Thread self = Thread.currentThread();
            for (Read read : batch) {
                read.done = true;
                if (read.caller != self) {
                    LockSupport.unpark(read.caller);
                }
            }
        }
    }

    private void pipelined(List<Read> batch) {
        List<Response<List<byte[]>>> replies = new ArrayList<>(batch.size());
        try (AbstractPipeline p = Pipelines.open(jedis)) {
            for (Read read : batch) {
                replies.add(p.hmget(read.key, fields));
            }
            p.sync();
        }
        for (int i = 0; i < batch.size(); i++) {
            try {
                batch.get(i).values = replies.get(i).get();
            } catch (RuntimeException e) {
                batch.get(i).error = e;
            }
        }
    }

    /** One caller's read; written by the sender before {@code done}, read by the caller after it. */
    private static final class Read {
        final byte[] key;
        final Thread caller;
        List<byte[]> values;
        RuntimeException error;
        volatile boolean done;

        Read(byte[] key, Thread caller) {
            this.key = key;
            this.caller = caller;
        }
    }
}
