package io.promptcache;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default executor for cache I/O: daemon threads, so an application that never closes its
 * caching model still exits, and a bounded queue, so a stalled Redis sheds load (fail-open)
 * instead of piling up work.
 */
final class CacheExecutor {

    private static final int THREADS = Math.max(4, Runtime.getRuntime().availableProcessors() * 2);
    private static final int QUEUE = 4096;

    private CacheExecutor() {
    }

    static ExecutorService shared() {
        return Holder.SHARED;
    }

    static ExecutorService create(String name, int threads, int queue) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(queue), factory, new ThreadPoolExecutor.AbortPolicy());
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    private static final class Holder {
        static final ExecutorService SHARED = create("promptcache-io", THREADS, QUEUE);
    }
}
