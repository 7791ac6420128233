package io.weft.controlplane.xds;

import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.weft.controlplane.model.MeshState;
import io.weft.controlplane.model.ProxyNode;
import io.weft.controlplane.translate.ClusterTranslator;
import io.weft.controlplane.translate.EndpointTranslator;
import io.weft.controlplane.translate.ListenerTranslator;
import io.weft.controlplane.translate.RouteTranslator;
import io.weft.proto.MeshNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The resources that belong to one group of identical proxies (same {@link ProxyNode.Key}) at one
 * mesh state: what they get for wildcard subscriptions. Immutable, shared by every stream of the
 * group, and consistent: {@link #build} refuses a view in which a listener names a missing route
 * configuration, a route a missing cluster, or an EDS cluster has no load assignment.
 */
final class NodeView {
    private final Map<String, ResourceSet> byType;

    private NodeView(Map<String, ResourceSet> byType) {
        this.byType = byType;
    }

    /** @throws IllegalStateException naming the dangling references, if the translation is inconsistent */
    static NodeView build(ProxyNode node, MeshState state) {
        List<Listener> ls = ListenerTranslator.forNode(node, state.config().telemetry());
        List<RouteConfiguration> rs = RouteTranslator.forNode(node, state.config());
        List<Cluster> cs = ClusterTranslator.forNode(node, state.config());
        List<XdsResource> endpoints = new ArrayList<>();
        for (Cluster c : cs) {
            if (c.hasEdsClusterConfig()) {
                EndpointTranslator.forName(c.getEdsClusterConfig().getServiceName(), state)
                        .ifPresent(cla -> endpoints.add(XdsResource.of(cla.getClusterName(), cla)));
            }
        }
        checkConsistent(node, ls, rs, cs, endpoints);
        return new NodeView(Map.of(
                MeshNames.LISTENER_TYPE, ResourceSet.of(ls.stream().map(l -> XdsResource.of(l.getName(), l)).toList()),
                MeshNames.ROUTE_TYPE, ResourceSet.of(rs.stream().map(r -> XdsResource.of(r.getName(), r)).toList()),
                MeshNames.CLUSTER_TYPE, ResourceSet.of(cs.stream().map(c -> XdsResource.of(c.getName(), c)).toList()),
                MeshNames.ENDPOINT_TYPE, ResourceSet.of(endpoints)));
    }

    ResourceSet wildcard(String typeUrl) {
        return byType.getOrDefault(typeUrl, ResourceSet.EMPTY);
    }

    private static void checkConsistent(ProxyNode node, List<Listener> ls, List<RouteConfiguration> rs, List<Cluster> cs,
                                        List<XdsResource> endpoints) {
        Set<String> routeNames = new TreeSet<>();
        rs.forEach(r -> routeNames.add(r.getName()));
        Set<String> clusterNames = new TreeSet<>();
        cs.forEach(c -> clusterNames.add(c.getName()));
        Set<String> claNames = new TreeSet<>();
        endpoints.forEach(e -> claNames.add(e.name()));
        List<String> missing = new ArrayList<>();
        for (Listener l : ls) {
            for (FilterChain fc : l.getFilterChainsList()) {
                for (Filter f : fc.getFiltersList()) {
                    String rds = rdsName(f);
                    if (!rds.isEmpty() && !routeNames.contains(rds)) {
                        missing.add("listener " + l.getName() + " → route configuration " + rds);
                    }
                }
            }
        }
        for (RouteConfiguration rc : rs) {
            for (VirtualHost vh : rc.getVirtualHostsList()) {
                for (Route r : vh.getRoutesList()) {
                    for (String c : clustersOf(r)) {
                        if (!clusterNames.contains(c)) {
                            missing.add("route " + rc.getName() + "/" + vh.getName() + "/" + r.getName() + " → cluster " + c);
                        }
                    }
                }
            }
        }
        for (Cluster c : cs) {
            if (c.hasEdsClusterConfig() && !claNames.contains(c.getEdsClusterConfig().getServiceName())) {
                missing.add("cluster " + c.getName() + " → endpoints " + c.getEdsClusterConfig().getServiceName());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("inconsistent resources for node " + node.id() + ": missing " + missing);
        }
    }

    private static String rdsName(Filter f) {
        if (!f.hasTypedConfig() || !f.getTypedConfig().getTypeUrl().equals(MeshNames.HCM_TYPE)) {
            return "";
        }
        try {
            return f.getTypedConfig().unpack(HttpConnectionManager.class).getRds().getRouteConfigName();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("listener filter " + f.getName() + ": unreadable HttpConnectionManager", e);
        }
    }

    private static List<String> clustersOf(Route r) {
        if (!r.hasRoute()) {
            return List.of();
        }
        if (r.getRoute().hasWeightedClusters()) {
            return r.getRoute().getWeightedClusters().getClustersList().stream().map(WeightedCluster.ClusterWeight::getName).toList();
        }
        return List.of(r.getRoute().getCluster());
    }
}
