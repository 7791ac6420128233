package io.weft.sidecar.filter;

/** The rest of a route's chain, as seen by one filter. */
@FunctionalInterface
public interface FilterChain {
    /**
     * Runs the next filters and the route's action; returns once the response is sent.
     *
     * @throws IllegalStateException when called twice, or after the exchange was answered
     */
    void proceed();
}
