package io.weft.sidecar.model;

import java.util.Objects;

/** A listener as the control plane described it: which route configuration serves it. */
public record ListenerSpec(String name, String routeConfigName) {
    public ListenerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(routeConfigName, "routeConfigName");
    }
}
