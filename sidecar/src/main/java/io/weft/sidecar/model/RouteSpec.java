package io.weft.sidecar.model;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One route: when it applies and where it sends the request.
 *
 * @param clusters        one or more destinations with weights
 * @param timeout         deadline for the whole request, if any (zero means none)
 * @param prefixRewrite   replaces the matched prefix, if set
 * @param filterOverrides per-filter config for this route, by filter name
 */
public record RouteSpec(String name, PathSpec path, List<HeaderSpec> headers, List<WeightedCluster> clusters,
                        Optional<Duration> timeout, Optional<String> prefixRewrite,
                        Map<String, FilterOverride> filterOverrides) {
    public RouteSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        headers = List.copyOf(headers);
        clusters = List.copyOf(clusters);
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(prefixRewrite, "prefixRewrite");
        filterOverrides = Map.copyOf(filterOverrides);
    }
}
