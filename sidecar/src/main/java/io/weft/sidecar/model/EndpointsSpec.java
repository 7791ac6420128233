package io.weft.sidecar.model;

import java.util.List;
import java.util.Objects;

/** The endpoints of one cluster (a ClusterLoadAssignment). */
public record EndpointsSpec(String clusterName, List<EndpointSpec> endpoints) {
    public EndpointsSpec {
        Objects.requireNonNull(clusterName, "clusterName");
        endpoints = List.copyOf(endpoints);
    }
}
