package io.weft.sidecar.model;

import java.util.List;
import java.util.Objects;

/**
 * A listener as the control plane described it: which route configuration serves it, its HTTP
 * filters in order (the terminal router excluded), and how its requests are traced and logged.
 */
public record ListenerSpec(String name, String routeConfigName, List<FilterSpec> httpFilters, TelemetrySpec telemetry) {
    public ListenerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(routeConfigName, "routeConfigName");
        httpFilters = List.copyOf(httpFilters);
        Objects.requireNonNull(telemetry, "telemetry");
    }

    public ListenerSpec(String name, String routeConfigName, List<FilterSpec> httpFilters) {
        this(name, routeConfigName, httpFilters, TelemetrySpec.DEFAULT);
    }
}
