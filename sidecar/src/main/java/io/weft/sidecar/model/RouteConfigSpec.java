package io.weft.sidecar.model;

import java.util.List;
import java.util.Objects;

/** A route configuration: virtual hosts in order. */
public record RouteConfigSpec(String name, List<VirtualHostSpec> virtualHosts) {
    public RouteConfigSpec {
        Objects.requireNonNull(name, "name");
        virtualHosts = List.copyOf(virtualHosts);
    }
}
