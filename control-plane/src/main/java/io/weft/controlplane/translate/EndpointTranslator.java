package io.weft.controlplane.translate;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.weft.controlplane.model.Endpoint;
import io.weft.controlplane.model.MeshState;
import io.weft.proto.MeshNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Cluster load assignments (EDS). Pure functions of the mesh state. */
public final class EndpointTranslator {
    static final String ZONE_LABEL = "zone";

    private EndpointTranslator() {
    }

    /**
     * The endpoints of a cluster: a declared service, or one version of it ({@code users@v2}: the
     * endpoints labelled {@code version=v2}); discovered endpoints first, then those declared in the
     * YAML. Empty when the name is not a declared cluster.
     */
    public static Optional<ClusterLoadAssignment> forName(String name, MeshState state) {
        return ClusterName.parse(name, state.config()).map(c -> {
            List<Endpoint> all = new ArrayList<>(state.endpoints(c.service().name()));
            c.service().endpoints().forEach(e -> all.add(new Endpoint(c.service().name(), e.address(), e.port(), e.labels(),
                    "mesh-yaml")));
            List<Endpoint> selected = c.version().isEmpty() ? all : all.stream()
                    .filter(e -> c.version().get().equals(e.labels().get(MeshNames.VERSION_LABEL))).toList();
            return assignment(name, selected);
        });
    }

    /**
     * One locality per zone label. Every locality carries a load-balancing weight: grpc-java drops
     * localities without one.
     */
    static ClusterLoadAssignment assignment(String cluster, List<Endpoint> endpoints) {
        Map<String, LocalityLbEndpoints.Builder> byZone = new TreeMap<>();
        for (Endpoint e : endpoints) {
            String zone = e.labels().getOrDefault(ZONE_LABEL, "");
            byZone.computeIfAbsent(zone, z -> LocalityLbEndpoints.newBuilder()
                            .setLocality(Locality.newBuilder().setZone(z))
                            .setLoadBalancingWeight(UInt32Value.of(1)))
                    .addLbEndpoints(LbEndpoint.newBuilder()
                            .setEndpoint(io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
                                    .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
                                            .setAddress(e.address()).setPortValue(e.port()))))
                            .setLoadBalancingWeight(UInt32Value.of(1)));
        }
        ClusterLoadAssignment.Builder cla = ClusterLoadAssignment.newBuilder().setClusterName(cluster);
        byZone.values().forEach(cla::addEndpoints);
        return cla.build();
    }
}
