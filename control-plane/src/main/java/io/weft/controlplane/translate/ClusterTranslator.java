package io.weft.controlplane.translate;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.weft.controlplane.model.Endpoint;
import io.weft.controlplane.model.MeshConfig;
import io.weft.controlplane.model.ProxyNode;
import io.weft.proto.MeshNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Clusters. Pure functions of (node, config). */
public final class ClusterTranslator {
    private static final com.google.protobuf.Duration CONNECT_TIMEOUT = com.google.protobuf.Duration.newBuilder().setSeconds(2).build();

    private ClusterTranslator() {
    }

    /** The clusters a Weft proxy gets for a wildcard CDS subscription: only what its routes can reach. */
    public static List<Cluster> forNode(ProxyNode node, MeshConfig config) {
        List<Cluster> out = new ArrayList<>();
        switch (node.mode()) {
            case SIDECAR -> {
                out.add(inbound(node));
                RouteTranslator.targets(RouteTranslator.visibleHosts(node, config)).forEach(s -> out.add(service(s)));
            }
            case EDGE -> RouteTranslator.targets(config.edgeHosts()).forEach(s -> out.add(service(s)));
            case PROXYLESS -> { }
        }
        return out;
    }

    /** The cluster of a mesh service; its endpoints come over EDS (ADS) under the same name. */
    public static Cluster service(String service) {
        return Cluster.newBuilder()
                .setName(service)
                .setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
                        .setServiceName(service)
                        .setEdsConfig(ConfigSource.newBuilder()
                                .setAds(AggregatedConfigSource.getDefaultInstance())
                                .setResourceApiVersion(ApiVersion.V3)))
                .setConnectTimeout(CONNECT_TIMEOUT)
                .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN)
                .build();
    }

    public static Optional<Cluster> forService(String service, MeshConfig config) {
        return config.service(service).map(s -> service(s.name()));
    }

    /** The sidecar's own app on loopback, with its endpoint inline (a STATIC cluster). */
    static Cluster inbound(ProxyNode node) {
        String name = MeshNames.inboundCluster(node.service());
        ClusterLoadAssignment cla = EndpointTranslator.assignment(name,
                List.of(new Endpoint(node.service(), "127.0.0.1", node.appPort(), Map.of(), node.id())));
        return Cluster.newBuilder()
                .setName(name)
                .setType(Cluster.DiscoveryType.STATIC)
                .setConnectTimeout(CONNECT_TIMEOUT)
                .setLoadAssignment(cla)
                .build();
    }
}
