package io.weft.sidecar.filter;

/**
 * The end of a route's chain: its action (forward upstream, redirect, direct response). Runs once
 * per request, after the last filter calls the chain; sends the response before it returns.
 */
@FunctionalInterface
public interface Terminal {
    void handle(Exchange exchange);
}
