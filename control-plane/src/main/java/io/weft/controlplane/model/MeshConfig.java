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
 * @param security     mTLS modes and authorization policies
 */
public record MeshConfig(String trustDomain, Map<String, ServiceSpec> services,
                         Map<String, VirtualHostSpec> virtualHosts, List<VirtualHostSpec> edgeHosts, SecuritySpec security) {
    public MeshConfig {
        Objects.requireNonNull(trustDomain, "trustDomain");
        Objects.requireNonNull(security, "security");
        services = Map.copyOf(services);
        virtualHosts = Map.copyOf(virtualHosts);
        edgeHosts = List.copyOf(edgeHosts);
    }

    public static MeshConfig empty() {
        return new MeshConfig("weft.local", Map.of(), Map.of(), List.of(), SecuritySpec.defaults());
    }

    /** The same config with another security section. */
    public MeshConfig withSecurity(SecuritySpec next) {
        return new MeshConfig(trustDomain, services, virtualHosts, edgeHosts, next);
    }

    public Optional<ServiceSpec> service(String name) {
        return Optional.ofNullable(services.get(name));
    }
}
