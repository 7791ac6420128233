package io.weft.sidecar.filter.cache;

import io.weft.sidecar.edge.EdgeFilter;
import io.weft.sidecar.edge.EdgeRuntime;

/** Builds a route's cache filter over the edge's one {@link ResponseCaches}. */
public final class CacheFilterFactory {
    private CacheFilterFactory() {
    }

    public static EdgeFilter create(CacheConfig config, EdgeRuntime runtime) {
        return new CacheFilter(config, ResponseCaches.of(runtime));
    }
}
