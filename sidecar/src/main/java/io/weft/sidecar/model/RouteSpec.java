package io.weft.sidecar.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One route: when it applies (path, headers, query parameters) and what it does.
 *
 * @param filterOverrides per-filter config for this route, by filter name
 * @param edgeFilters     the edge gateway's filter configs ({@code weft.edge.*} entries), in chain order
 */
public record RouteSpec(String name, PathSpec path, List<HeaderSpec> headers, List<QueryParamSpec> queryParams,
                        RouteActionSpec action, Map<String, FilterOverride> filterOverrides,
                        List<EdgeFilterConfig> edgeFilters) {
    public RouteSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        headers = List.copyOf(headers);
        queryParams = List.copyOf(queryParams);
        Objects.requireNonNull(action, "action");
        filterOverrides = Map.copyOf(filterOverrides);
        edgeFilters = List.copyOf(edgeFilters);
    }

    public RouteSpec(String name, PathSpec path, List<HeaderSpec> headers, List<QueryParamSpec> queryParams,
                     RouteActionSpec action, Map<String, FilterOverride> filterOverrides) {
        this(name, path, headers, queryParams, action, filterOverrides, List.of());
    }
}
