package io.weft.sidecar.filter.ratelimit;

/** Keeps the state of one rule for every client key. Implementations are thread-safe. */
interface Limiter {
    /**
     * Takes one token for {@code key}.
     *
     * @param maxWaitNanos how long the caller is willing to be held (0: refuse instead of waiting)
     */
    Decision take(String key, long maxWaitNanos);
}
