package io.weft.controlplane.model;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the translators read: the config and the endpoints of every service. Immutable; a new
 * instance is made for every change. Translators must read nothing but this and the node.
 *
 * @param version   increases with every change, for logs and status
 * @param config    the accepted mesh configuration
 * @param endpoints endpoints by service, each list sorted so equal states compare equal
 * @param trustBundlePem the CA's roots (PEM), empty when the mesh runs without its CA
 */
public record MeshState(long version, MeshConfig config, Map<String, List<Endpoint>> endpoints, List<String> trustBundlePem) {
    private static final Comparator<Endpoint> ORDER =
            Comparator.comparing(Endpoint::address).thenComparingInt(Endpoint::port);

    public MeshState {
        Objects.requireNonNull(config, "config");
        endpoints = Map.copyOf(endpoints);
        trustBundlePem = List.copyOf(trustBundlePem);
    }

    public static MeshState of(long version, MeshConfig config, Map<String, List<Endpoint>> endpoints) {
        return of(version, config, endpoints, List.of());
    }

    public static MeshState of(long version, MeshConfig config, Map<String, List<Endpoint>> endpoints, List<String> trustBundlePem) {
        Map<String, List<Endpoint>> sorted = new java.util.HashMap<>();
        endpoints.forEach((svc, list) -> sorted.put(svc, list.stream().sorted(ORDER).toList()));
        return new MeshState(version, config, sorted, trustBundlePem);
    }

    public List<Endpoint> endpoints(String service) {
        return endpoints.getOrDefault(service, List.of());
    }
}
