package io.weft.controlplane.model;

import java.util.Map;
import java.util.Objects;

/** An endpoint declared in the mesh YAML (a service outside the mesh, or a proxyless server). */
public record EndpointSpec(String address, int port, Map<String, String> labels) {
    public EndpointSpec {
        Objects.requireNonNull(address, "address");
        labels = Map.copyOf(labels);
    }
}
