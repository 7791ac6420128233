package io.weft.controlplane.model;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The validated, immutable mesh configuration: every name it references exists.
 *
 * @param trustDomain    the SPIFFE trust domain
 * @param services       declared services by name
 * @param virtualHosts   virtual hosts of the mesh by name; every service has one (declared or default)
 * @param edgeHosts      the virtual hosts of the public edge listener
 * @param mtls           the mesh-wide mTLS mode
 * @param namespaces     namespace settings by name (only namespaces that set something)
 * @param authorization  authorization policies, in declaration order
 * @param edgeListeners  the edge's public listeners and their filters
 * @param telemetry      tracing and access-log settings for every proxy
 */
public record MeshConfig(String trustDomain, Map<String, ServiceSpec> services,
                         Map<String, VirtualHostSpec> virtualHosts, List<VirtualHostSpec> edgeHosts,
                         MtlsMode mtls, Map<String, NamespaceSpec> namespaces,
                         List<AuthorizationPolicy> authorization, List<EdgeListenerSpec> edgeListeners,
                         TelemetryConfig telemetry) {
    public MeshConfig {
        Objects.requireNonNull(trustDomain, "trustDomain");
        Objects.requireNonNull(telemetry, "telemetry");
        services = Map.copyOf(services);
        virtualHosts = Map.copyOf(virtualHosts);
        edgeHosts = List.copyOf(edgeHosts);
        Objects.requireNonNull(mtls, "mtls");
        namespaces = Map.copyOf(namespaces);
        authorization = List.copyOf(authorization);
        edgeListeners = List.copyOf(edgeListeners);
    }

    public MeshConfig(String trustDomain, Map<String, ServiceSpec> services, Map<String, VirtualHostSpec> virtualHosts,
                      List<VirtualHostSpec> edgeHosts) {
        this(trustDomain, services, virtualHosts, edgeHosts, MtlsMode.PERMISSIVE, Map.of(), List.of(), List.of());
    }

    public MeshConfig(String trustDomain, Map<String, ServiceSpec> services,
                      Map<String, VirtualHostSpec> virtualHosts, List<VirtualHostSpec> edgeHosts,
                      MtlsMode mtls, Map<String, NamespaceSpec> namespaces,
                      List<AuthorizationPolicy> authorization, List<EdgeListenerSpec> edgeListeners) {
        this(trustDomain, services, virtualHosts, edgeHosts, mtls, namespaces, authorization, edgeListeners,
                TelemetryConfig.DEFAULT);
    }

    public static MeshConfig empty() {
        return new MeshConfig("weft.local", Map.of(), Map.of(), List.of());
    }

    public Optional<ServiceSpec> service(String name) {
        return Optional.ofNullable(services.get(name));
    }

    /** The virtual host that serves {@code domain} (a service name), if any. O(1) after the first call. */
    public Optional<VirtualHostSpec> hostFor(String domain) {
        return Optional.ofNullable(DomainIndex.of(this).get(domain));
    }

    /** The effective mTLS mode of a service: its own, else its namespace's, else the mesh's. */
    public MtlsMode mtlsFor(ServiceSpec service) {
        return service.mtls()
                .or(() -> Optional.ofNullable(namespaces.get(service.namespace())).flatMap(NamespaceSpec::mtls))
                .orElse(mtls);
    }

    /**
     * Domain → virtual host, built once per config. Configs are immutable, so the index of the last
     * config asked about is kept by identity (equality would hash the whole config on every call).
     */
    private static final class DomainIndex {
        private record Entry(MeshConfig config, Map<String, VirtualHostSpec> index) {
        }

        private static volatile Entry last;

        static Map<String, VirtualHostSpec> of(MeshConfig config) {
            Entry e = last;
            if (e != null && e.config == config) {
                return e.index;
            }
            Map<String, VirtualHostSpec> index = new HashMap<>();
            for (VirtualHostSpec vh : config.virtualHosts().values()) {
                for (String d : vh.domains()) {
                    index.putIfAbsent(d, vh);
                }
            }
            last = new Entry(config, index);
            return index;
        }
    }
}
