package io.weft.sidecar.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Domains (exact, {@code *.suffix}, {@code prefix*} or {@code *}) and their ordered routes.
 *
 * @param filterOverrides per-filter config for every route of this host, by filter name
 */
public record VirtualHostSpec(String name, List<String> domains, List<RouteSpec> routes,
                              Map<String, FilterOverride> filterOverrides) {
    public VirtualHostSpec {
        Objects.requireNonNull(name, "name");
        domains = List.copyOf(domains);
        routes = List.copyOf(routes);
        filterOverrides = Map.copyOf(filterOverrides);
    }
}
