package io.weft.sidecar.filter.ratelimit;

/**
 * The outcome of taking one request's token.
 *
 * @param allowed     whether the request may go on (possibly after {@code waitNanos})
 * @param remaining   requests left right now (never negative)
 * @param waitNanos   allowed: how long to hold the request first (throttle); refused: when to retry
 * @param resetNanos  until the limit is fully replenished
 */
record Decision(boolean allowed, long remaining, long waitNanos, long resetNanos) {
    /** What a limiter answers when its store fails and the rule fails open. */
    static Decision unknown() {
        return new Decision(true, -1, 0, 0);
    }
}
