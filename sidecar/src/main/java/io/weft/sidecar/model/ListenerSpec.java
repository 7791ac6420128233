package io.weft.sidecar.model;

import java.util.List;
import java.util.Objects;

/**
 * A listener as the control plane described it: which route configuration serves it, its HTTP
 * filters in order (the terminal router excluded), how its requests are traced and logged, and its
 * mTLS mode (empty when the control plane sent no TLS: a mesh without its CA).
 */
public record ListenerSpec(String name, String routeConfigName, List<FilterSpec> httpFilters, TelemetrySpec telemetry,
                           java.util.Optional<io.weft.sidecar.tls.MtlsMode> mtls) {
    public ListenerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(routeConfigName, "routeConfigName");
        httpFilters = List.copyOf(httpFilters);
        Objects.requireNonNull(telemetry, "telemetry");
        Objects.requireNonNull(mtls, "mtls");
    }

    public ListenerSpec(String name, String routeConfigName, List<FilterSpec> httpFilters, TelemetrySpec telemetry) {
        this(name, routeConfigName, httpFilters, telemetry, java.util.Optional.empty());
    }

    public ListenerSpec(String name, String routeConfigName, List<FilterSpec> httpFilters) {
        this(name, routeConfigName, httpFilters, TelemetrySpec.DEFAULT);
    }
}
