package io.promptcache;

import dev.langchain4j.data.embedding.Embedding;
import io.promptcache.semantic.SemanticIndex;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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
    private final AtomicBoolean draining = new AtomicBoolean();

    IndexBacklog(int capacity) {
        this.capacity = capacity;
    }

    void offer(Pending pending) {
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
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

    /**
     * Embeds and indexes a batch in the background, one drain at a time. Stops at the first failure, which
     * marks the dependency down and keeps the rest for later.
     */
    void drain(SemanticIndex index, Executor executor, DependencyGuard guard) {
        if (isEmpty() || !draining.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    List<Pending> batch = take(256);
                    for (int i = 0; i < batch.size(); i++) {
                        Pending p = batch.get(i);
                        CacheDependency step = CacheDependency.EMBEDDER;
                        try {
                            Embedding embedding = index.embed(p.question());
                            step = CacheDependency.VECTOR_STORE;
                            index.remove(p.tenant(), p.entryId(), p.question());
                            index.add(p.entryId(), p.tenant(), p.scopeKey(), p.question(), embedding);
                        } catch (RuntimeException e) {
                            guard.failed(step, FaultLog.kind(e));
                            batch.subList(i, batch.size()).forEach(this::offer); // later, when it answers again
                            return;
                        }
                    }
                } finally {
                    draining.set(false);
                }
            });
        } catch (RuntimeException rejected) {
            draining.set(false); // the pool is full: the next success tries again
        }
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    int size() {
        return size.get();
    }
}
