package io.weft.sidecar.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One route: when it applies and where it sends the request.
 *
 * @param clusters      one or more destinations with weights
 * @param timeout       deadline for the whole request, if any (zero means none)
 * @param prefixRewrite replaces the matched prefix, if set
 * @param edgeFilters   the edge filter configs of this route (from typed_per_filter_config), in chain order
 */
public record RouteSpec(String name, PathSpec path, List<HeaderSpec> headers, List<WeightedCluster> clusters,
                        Optional<Duration> timeout, Optional<String> prefixRewrite, List<EdgeFilterConfig> edgeFilters) {
    public RouteSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        headers = List.copyOf(headers);
        clusters = List.copyOf(clusters);
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(prefixRewrite, "prefixRewrite");
        edgeFilters = List.copyOf(edgeFilters);
    }

    public RouteSpec(String name, PathSpec path, List<HeaderSpec> headers, List<WeightedCluster> clusters,
                     Optional<Duration> timeout, Optional<String> prefixRewrite) {
        this(name, path, headers, clusters, timeout, prefixRewrite, List.of());
    }
}
