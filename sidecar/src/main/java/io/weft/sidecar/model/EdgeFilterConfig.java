package io.weft.sidecar.model;

/**
 * A parsed, validated edge filter config carried on a route ({@code Route.typed_per_filter_config}).
 * Implementations are immutable records in the filter's own package; {@link #filterName()} is the
 * key it arrived under and decides its place in the chain.
 */
public interface EdgeFilterConfig {
    String filterName();
}
