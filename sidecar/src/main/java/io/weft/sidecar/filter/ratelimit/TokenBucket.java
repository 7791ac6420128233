package io.weft.sidecar.filter.ratelimit;

import java.util.concurrent.locks.ReentrantLock;

/**
 * One client's token bucket: holds up to {@code capacity} tokens, refilled continuously at
 * {@code ratePerNano}. A throttled request may reserve a token that is not there yet (the count goes
 * below zero) if it is due within the caller's wait. Thread-safe; never blocks on I/O.
 */
final class TokenBucket {
    private final double capacity;
    private final double ratePerNano;
    private final ReentrantLock lock = new ReentrantLock();
    private double tokens;
    private long last;

    TokenBucket(double capacity, double ratePerNano, long nowNanos) {
        this.capacity = capacity;
        this.ratePerNano = ratePerNano;
        this.tokens = capacity;
        this.last = nowNanos;
    }

    Decision take(long nowNanos, long maxWaitNanos) {
        lock.lock();
        try {
            if (nowNanos > last) {
                tokens = Math.min(capacity, tokens + (nowNanos - last) * ratePerNano);
                last = nowNanos;
            }
            if (tokens >= 1) {
                tokens -= 1;
                return new Decision(true, (long) Math.floor(tokens), 0, resetNanos());
            }
            long wait = (long) Math.ceil((1 - tokens) / ratePerNano);
            if (wait <= maxWaitNanos) {
                tokens -= 1;
                return new Decision(true, 0, wait, resetNanos());
            }
            return new Decision(false, 0, wait, resetNanos());
        } finally {
            lock.unlock();
        }
    }

    private long resetNanos() {
        return (long) Math.ceil((capacity - tokens) / ratePerNano);
    }
}
