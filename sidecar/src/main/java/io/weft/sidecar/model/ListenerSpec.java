package io.weft.sidecar.model;

import java.util.Objects;

/**
 * A listener as the control plane described it: which route configuration serves it, and how its
 * requests are traced and logged.
 */
public record ListenerSpec(String name, String routeConfigName, TelemetrySpec telemetry) {
    public ListenerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(routeConfigName, "routeConfigName");
        Objects.requireNonNull(telemetry, "telemetry");
    }

    public ListenerSpec(String name, String routeConfigName) {
        this(name, routeConfigName, TelemetrySpec.DEFAULT);
    }
}
