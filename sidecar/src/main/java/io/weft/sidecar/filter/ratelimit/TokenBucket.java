package io.weft.sidecar.filter.ratelimit;

import java.util.concurrent.atomic.AtomicReference;

/**
 * One client's token bucket: holds up to {@code capacity} tokens, refilled continuously at
 * {@code ratePerNano}. A throttled request may reserve a token that is not there yet (the count goes
 * below zero) if it is due within the caller's wait. Thread-safe and lock-free (one compare-and-set
 * per take), so many requests of one client never queue on a lock.
 */
final class TokenBucket {
    private final double capacity;
    private final double ratePerNano;
    private final AtomicReference<State> state;

    /** Tokens at a moment. */
    private record State(double tokens, long last) {
    }

    TokenBucket(double capacity, double ratePerNano, long nowNanos) {
        this.capacity = capacity;
        this.ratePerNano = ratePerNano;
        this.state = new AtomicReference<>(new State(capacity, nowNanos));
    }

    Decision take(long nowNanos, long maxWaitNanos) {
        while (true) {
            State s = state.get();
            double tokens = s.tokens();
            long last = s.last();
            if (nowNanos > last) {
                tokens = Math.min(capacity, tokens + (nowNanos - last) * ratePerNano);
                last = nowNanos;
            }
            Decision d;
            double after = tokens;
            if (tokens >= 1) {
                after = tokens - 1;
                d = new Decision(true, (long) Math.floor(after), 0, resetNanos(after));
            } else {
                long wait = (long) Math.ceil((1 - tokens) / ratePerNano);
                if (wait <= maxWaitNanos) {
                    after = tokens - 1;
                    d = new Decision(true, 0, wait, resetNanos(after));
                } else {
                    d = new Decision(false, 0, wait, resetNanos(tokens));
                }
            }
            if (state.compareAndSet(s, new State(after, last))) {
                return d;
            }
        }
    }

    private long resetNanos(double tokens) {
        return (long) Math.ceil((capacity - tokens) / ratePerNano);
    }
}
