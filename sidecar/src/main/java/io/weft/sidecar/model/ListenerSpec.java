package io.weft.sidecar.model;

import java.util.List;
import java.util.Objects;

/**
 * A listener as the control plane described it: which route configuration serves it, and its HTTP
 * filters in order (the terminal router excluded), and its mTLS mode (empty when the control plane
 * sent no TLS: a mesh without its CA).
 */
public record ListenerSpec(String name, String routeConfigName, List<FilterSpec> httpFilters,
                           java.util.Optional<io.weft.sidecar.tls.MtlsMode> mtls) {
    public ListenerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(routeConfigName, "routeConfigName");
        httpFilters = List.copyOf(httpFilters);
        Objects.requireNonNull(mtls, "mtls");
    }

    public ListenerSpec(String name, String routeConfigName, List<FilterSpec> httpFilters) {
        this(name, routeConfigName, httpFilters, java.util.Optional.empty());
    }
}
