package io.weft.sidecar.upstream.client;

import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Idle keep-alive connections to one endpoint, most recently used first (warm connections are
 * reused; the oldest age out). Lock-free and thread-safe.
 */
final class ConnectionPool {
    private final ConcurrentLinkedDeque<Http1Connection> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final int maxIdle;
    private final long idleTimeoutNanos;
    private final long probeAfterNanos;
    private volatile long lastUsedNanos = System.nanoTime();

    ConnectionPool(int maxIdle, long idleTimeoutNanos, long probeAfterNanos) {
        this.maxIdle = maxIdle;
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.probeAfterNanos = probeAfterNanos;
    }

    /** A pooled connection that still looks alive, or null when none. */
    Http1Connection poll() {
        lastUsedNanos = System.nanoTime();
        Http1Connection c;
        while ((c = idle.pollFirst()) != null) {
            idleCount.decrementAndGet();
            if (System.nanoTime() - c.idleSinceNanos() < idleTimeoutNanos && c.alive(probeAfterNanos)) {
                return c;
            }
            discard(c);
        }
        return null;
    }

    /** Counts a new connection to this endpoint. */
    void opened() {
        open.incrementAndGet();
    }

    /** Takes back a connection after an exchange: pools it when reusable and there is room, else closes it. */
    void release(Http1Connection c) {
        if (c.reusable() && idleCount.incrementAndGet() <= maxIdle) {
            idle.offerFirst(c);
        } else {
            if (c.reusable()) {
                idleCount.decrementAndGet();
            }
            discard(c);
        }
    }

    /** Closes a connection that will not be used again. */
    void discard(Http1Connection c) {
        c.close();
        open.decrementAndGet();
    }

    /** Closes idle connections past the idle timeout; returns whether the pool is empty and unused for {@code unusedNanos}. */
    boolean sweep(long unusedNanos) {
        long now = System.nanoTime();
        for (Iterator<Http1Connection> it = idle.descendingIterator(); it.hasNext(); ) {
            Http1Connection c = it.next();
            if (now - c.idleSinceNanos() >= idleTimeoutNanos && idle.removeLastOccurrence(c)) {
                idleCount.decrementAndGet();
                discard(c);
            }
        }
        return open.get() == 0 && now - lastUsedNanos > unusedNanos;
    }

    void closeAll() {
        Http1Connection c;
        while ((c = idle.pollFirst()) != null) {
            idleCount.decrementAndGet();
            discard(c);
        }
    }

    int idle() {
        return idleCount.get();
    }

    int open() {
        return open.get();
    }
}
