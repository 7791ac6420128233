package io.weft.sidecar.edge;

/**
 * One concern of the edge's per-route chain (authentication, rate limit, cache, transformation...).
 * A filter either answers itself (returns its own response, typically {@link Problem}) or calls
 * {@link Chain#proceed} and may adjust what comes back. Blocking is fine: it runs on the request's
 * virtual thread. Implementations are immutable, built once per snapshot, and thread-safe.
 */
@FunctionalInterface
public interface EdgeFilter {
    EdgeResponse filter(EdgeRequest request, Chain next);

    /** The rest of the chain, ending in the upstream call. */
    @FunctionalInterface
    interface Chain {
        EdgeResponse proceed(EdgeRequest request);
    }
}
