package io.weft.controlplane.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A service of the mesh as the operator declared it.
 *
 * @param name      the service name, also its default virtual host and cluster name
 * @param namespace the namespace its SPIFFE identity lives in
 * @param labels    free labels (version, zone, ...)
 * @param dependsOn the services it calls; its sidecar is sent only their config
 */
public record ServiceSpec(String name, String namespace, Map<String, String> labels, List<String> dependsOn) {
    public ServiceSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(namespace, "namespace");
        labels = Map.copyOf(labels);
        dependsOn = List.copyOf(dependsOn);
    }
}
