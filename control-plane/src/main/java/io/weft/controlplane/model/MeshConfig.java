package io.weft.controlplane.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The validated, immutable mesh configuration: every name it references exists.
 *
 * @param trustDomain  the SPIFFE trust domain
 * @param services     declared services by name
 * @param virtualHosts virtual hosts of the mesh by name; every service has one (declared or default)
 * @param edgeHosts    the virtual hosts of the public edge listener
 * @param telemetry    tracing and access-log settings for every proxy
 */
public record MeshConfig(String trustDomain, Map<String, ServiceSpec> services,
                         Map<String, VirtualHostSpec> virtualHosts, List<VirtualHostSpec> edgeHosts,
                         TelemetryConfig telemetry) {
    public MeshConfig {
        Objects.requireNonNull(trustDomain, "trustDomain");
        Objects.requireNonNull(telemetry, "telemetry");
        services = Map.copyOf(services);
        virtualHosts = Map.copyOf(virtualHosts);
        edgeHosts = List.copyOf(edgeHosts);
    }

    public MeshConfig(String trustDomain, Map<String, ServiceSpec> services,
                      Map<String, VirtualHostSpec> virtualHosts, List<VirtualHostSpec> edgeHosts) {
        this(trustDomain, services, virtualHosts, edgeHosts, TelemetryConfig.DEFAULT);
    }

    public static MeshConfig empty() {
        return new MeshConfig("weft.local", Map.of(), Map.of(), List.of());
    }

    public Optional<ServiceSpec> service(String name) {
        return Optional.ofNullable(services.get(name));
    }
}
