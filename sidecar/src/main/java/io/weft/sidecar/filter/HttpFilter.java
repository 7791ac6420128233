package io.weft.sidecar.filter;

/**
 * One step of a route's request path, such as authorization, tracing, rate limiting or caching.
 *
 * <p>A filter either calls {@code chain.proceed()} exactly once, which runs the rest of the chain and
 * the route's action (forward upstream, redirect, direct response) and returns when the response has
 * been sent; or it answers itself with {@link Exchange#respond} and does not call the chain. It never
 * returns before the response is done, so work after {@code proceed()} (timing, logging, span end)
 * sees the final {@link Exchange#status()} and {@link Exchange#flags()}.
 *
 * <p>Filters are created once per route when a snapshot is compiled (see {@link HttpFilterFactory})
 * and called concurrently on many virtual threads: they must be thread-safe, keep per-request state
 * on the {@link Exchange}, and never hold a lock around blocking I/O.
 */
@FunctionalInterface
public interface HttpFilter {
    void filter(Exchange exchange, FilterChain chain);
}
