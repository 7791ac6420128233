package io.weft.controlplane.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A service of the mesh as the operator declared it.
 *
 * @param name      the service name, also its default virtual host and cluster name
 * @param namespace the namespace its SPIFFE identity lives in
 * @param labels    free labels (team, tier, ...)
 * @param dependsOn the services it calls; its sidecar is sent only their config
 * @param protocol  what its endpoints speak
 * @param versions  its versions (subsets), each selecting endpoints whose {@code version} label equals it
 * @param endpoints endpoints declared in YAML, in addition to discovered ones
 * @param policy    how callers balance, limit and eject its endpoints
 * @param mtls      its own mTLS mode, overriding its namespace's and the mesh's
 */
public record ServiceSpec(String name, String namespace, Map<String, String> labels, List<String> dependsOn,
                          Protocol protocol, List<String> versions, List<EndpointSpec> endpoints,
                          ClusterPolicy policy, Optional<MtlsMode> mtls) {
    /** What a service's endpoints speak; HTTP/2 and gRPC endpoints are reached over HTTP/2. */
    public enum Protocol { HTTP, HTTP2, GRPC }

    public ServiceSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(namespace, "namespace");
        labels = Map.copyOf(labels);
        dependsOn = List.copyOf(dependsOn);
        Objects.requireNonNull(protocol, "protocol");
        versions = List.copyOf(versions);
        endpoints = List.copyOf(endpoints);
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(mtls, "mtls");
    }

    /** A plain HTTP service with defaults, as tests and generated meshes declare them. */
    public static ServiceSpec of(String name, List<String> dependsOn) {
        return new ServiceSpec(name, "default", Map.of(), dependsOn, Protocol.HTTP, List.of(), List.of(),
                ClusterPolicy.DEFAULT, Optional.empty());
    }
}
