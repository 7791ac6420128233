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
import io.weft.controlplane.model.TelemetryConfig;
import io.weft.controlplane.translate.ClusterTranslator;
import io.weft.controlplane.translate.EndpointTranslator;
import io.weft.controlplane.translate.ListenerTranslator;
import io.weft.controlplane.translate.RouteTranslator;
import io.weft.controlplane.translate.SecurityTranslator;
import io.weft.proto.MeshNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The resources one group of identical proxies (same {@link ProxyNode.Key}) gets for wildcard
 * subscriptions at one mesh state: its own (listeners, inbound route and cluster) plus the
 * {@link Shared} part every proxy of its service shares (outbound routes, clusters, endpoints), which
 * is translated once per service and mesh version however many proxies the service has. Immutable and
 * consistent: {@link #build} refuses a view in which a listener names a missing route configuration, a
 * route a missing cluster, or an EDS cluster has no load assignment.
 */
final class NodeView {
    private final Map<String, ResourceSet> byType;

    private NodeView(Map<String, ResourceSet> byType) {
        this.byType = byType;
    }

    /** What every proxy of one mode and service shares at one mesh state (telemetry: for its listeners). */
    record Shared(List<XdsResource> routes, List<XdsResource> clusters, List<XdsResource> endpoints,
                  TelemetryConfig telemetry, MeshState state) {
        /** @throws IllegalStateException naming the dangling references, if the translation is inconsistent */
        static Shared build(ProxyNode node, MeshState state) {
            List<RouteConfiguration> rs = RouteTranslator.shared(node, state.config());
            List<Cluster> cs = ClusterTranslator.shared(node, state.config()).stream()
                    .map(c -> SecurityTranslator.cluster(c, state)).toList();
            List<XdsResource> endpoints = new ArrayList<>();
            for (Cluster c : cs) {
                EndpointTranslator.forName(c.getEdsClusterConfig().getServiceName(), state)
                        .ifPresent(cla -> endpoints.add(XdsResource.of(cla.getClusterName(), cla)));
            }
            List<String> missing = new ArrayList<>();
            Set<String> clusterNames = names(cs.stream().map(Cluster::getName).toList());
            routeRefs(rs, clusterNames, missing);
            Set<String> claNames = names(endpoints.stream().map(XdsResource::name).toList());
            for (Cluster c : cs) {
                if (c.hasEdsClusterConfig() && !claNames.contains(c.getEdsClusterConfig().getServiceName())) {
                    missing.add("cluster " + c.getName() + " → endpoints " + c.getEdsClusterConfig().getServiceName());
                }
            }
            refuse(node, missing);
            return new Shared(rs.stream().map(r -> XdsResource.of(r.getName(), r)).toList(),
                    cs.stream().map(c -> XdsResource.of(c.getName(), c)).toList(), List.copyOf(endpoints),
                    state.config().telemetry(), state);
        }
    }

    /** @throws IllegalStateException naming the dangling references, if the translation is inconsistent */
    static NodeView build(ProxyNode node, MeshState state) {
        return build(node, Shared.build(node, state));
    }

    static NodeView build(ProxyNode node, Shared shared) {
        List<Listener> ls = ListenerTranslator.forNode(node, shared.telemetry()).stream()
                .map(l -> SecurityTranslator.listener(l, node, shared.state())).toList();
        List<RouteConfiguration> localRoutes = RouteTranslator.local(node);
        List<Cluster> localClusters = ClusterTranslator.local(node);
        List<String> missing = new ArrayList<>();
        Set<String> routeNames = names(localRoutes.stream().map(RouteConfiguration::getName).toList());
        shared.routes().forEach(r -> routeNames.add(r.name()));
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
        routeRefs(localRoutes, names(localClusters.stream().map(Cluster::getName).toList()), missing);
        refuse(node, missing);
        List<XdsResource> routes = new ArrayList<>(shared.routes());
        localRoutes.forEach(r -> routes.add(XdsResource.of(r.getName(), r)));
        List<XdsResource> clusters = new ArrayList<>(shared.clusters());
        localClusters.forEach(c -> clusters.add(XdsResource.of(c.getName(), c)));
        return new NodeView(Map.of(
                MeshNames.LISTENER_TYPE, ResourceSet.of(ls.stream().map(l -> XdsResource.of(l.getName(), l)).toList()),
                MeshNames.ROUTE_TYPE, ResourceSet.of(routes),
                MeshNames.CLUSTER_TYPE, ResourceSet.of(clusters),
                MeshNames.ENDPOINT_TYPE, ResourceSet.of(shared.endpoints()),
                MeshNames.SECRET_TYPE, ResourceSet.of(SecurityTranslator.secrets(shared.state()).stream()
                        .map(s -> XdsResource.of(s.getName(), s)).toList())));
    }

    ResourceSet wildcard(String typeUrl) {
        return byType.getOrDefault(typeUrl, ResourceSet.EMPTY);
    }

    private static Set<String> names(List<String> names) {
        return new TreeSet<>(names);
    }

    private static void routeRefs(List<RouteConfiguration> rs, Set<String> clusterNames, List<String> missing) {
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
    }

    private static void refuse(ProxyNode node, List<String> missing) {
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
