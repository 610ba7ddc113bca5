package io.promptcache;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Answers stored while the embedder or the vector store was down: the exact tier has them at once, and
 * they are indexed for the semantic tier when both answer again. Bounded, so a long outage costs a
 * fixed amount of memory; past the bound the newest are not indexed (their exact tier still works).
 */
final class IndexBacklog {

    /** An entry waiting for its vector. */
    record Pending(String tenant, String entryId, String scopeKey, String question) {
    }

    private final int capacity;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final LongAdder dropped = new LongAdder();

    IndexBacklog(int capacity) {
        this.capacity = capacity;
    }

    void offer(Pending pending) {
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            dropped.increment();
            return;
        }
        queue.add(pending);
    }

    /** Up to {@code max} entries, oldest first. */
    List<Pending> take(int max) {
        List<Pending> out = new ArrayList<>(Math.min(max, 64));
        Pending p;
        while (out.size() < max && (p = queue.poll()) != null) {
            size.decrementAndGet();
            out.add(p);
        }
        return out;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    int size() {
        return size.get();
    }

    long dropped() {
        return dropped.sum();
    }
}
