package io.weft.sidecar.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One route: when it applies (path, headers, query parameters) and what it does.
 *
 * @param filterOverrides per-filter config for this route, by filter name
 */
public record RouteSpec(String name, PathSpec path, List<HeaderSpec> headers, List<QueryParamSpec> queryParams,
                        RouteActionSpec action, Map<String, FilterOverride> filterOverrides) {
    public RouteSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        headers = List.copyOf(headers);
        queryParams = List.copyOf(queryParams);
        Objects.requireNonNull(action, "action");
        filterOverrides = Map.copyOf(filterOverrides);
    }
}
