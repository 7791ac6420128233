package io.weft.proto;

import java.util.List;

/**
 * Names of the edge's HTTP filters, as they appear in the edge listener's {@code http_filters} and
 * as keys of {@code Route.typed_per_filter_config}. The list order is the order in which the edge
 * runs them on a request.
 */
public final class EdgeFilterNames {
    public static final String GUARD = "weft.edge.guard";
    public static final String AUTHN = "weft.edge.authn";
    public static final String RATE_LIMIT = "weft.edge.rate_limit";
    public static final String CACHE = "weft.edge.cache";
    public static final String TRANSFORM = "weft.edge.transform";

    /** Chain order: guard (CORS, size, IP lists), authentication, rate limit, cache, transformation. */
    public static final List<String> ORDER = List.of(GUARD, AUTHN, RATE_LIMIT, CACHE, TRANSFORM);

    private EdgeFilterNames() {
    }
}
