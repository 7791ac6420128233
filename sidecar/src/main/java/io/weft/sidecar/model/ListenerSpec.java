package io.weft.sidecar.model;

import java.util.List;
import java.util.Objects;

/**
 * A listener as the control plane described it: which route configuration serves it, and its HTTP
 * filters in order (the terminal router excluded).
 */
public record ListenerSpec(String name, String routeConfigName, List<FilterSpec> httpFilters) {
    public ListenerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(routeConfigName, "routeConfigName");
        httpFilters = List.copyOf(httpFilters);
    }
}
