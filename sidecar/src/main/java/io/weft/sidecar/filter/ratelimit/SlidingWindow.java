package io.weft.sidecar.filter.ratelimit;

import java.util.concurrent.locks.ReentrantLock;

/**
 * One client's sliding-window counter: the count of the current fixed window plus the previous
 * window's count weighted by how much of it still overlaps the sliding window. At most {@code limit}
 * requests in any window of length {@code windowNanos}, within the estimate's error. Thread-safe.
 */
final class SlidingWindow {
    private final long limit;
    private final long windowNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private long window = Long.MIN_VALUE;
    private long current;
    private long previous;

    SlidingWindow(long limit, long windowNanos) {
        this.limit = limit;
        this.windowNanos = windowNanos;
    }

    Decision take(long nowNanos) {
        lock.lock();
        try {
            long w = Math.floorDiv(nowNanos, windowNanos);
            if (w != window) {
                previous = w == window + 1 ? current : 0;
                current = 0;
                window = w;
            }
            long into = nowNanos - w * windowNanos;
            double overlap = 1.0 - (double) into / windowNanos;
            double estimate = previous * overlap + current;
            long reset = windowNanos - into + (previous > 0 ? windowNanos : 0);
            if (estimate + 1 <= limit) {
                current++;
                return new Decision(true, (long) Math.floor(limit - estimate - 1), 0, reset);
            }
            return new Decision(false, 0, retryNanos(into), reset);
        } finally {
            lock.unlock();
        }
    }

    /** When the weighted estimate will have room for one more request. */
    private long retryNanos(long into) {
        if (current + 1 > limit || previous == 0) {
            return windowNanos - into; // only the next window helps
        }
        // previous * (1 - t/window) + current + 1 <= limit  =>  t >= window * (1 - (limit - current - 1) / previous)
        double t = windowNanos * (1.0 - (double) (limit - current - 1) / previous);
        return Math.max(1, (long) Math.ceil(t) - into);
    }
}
