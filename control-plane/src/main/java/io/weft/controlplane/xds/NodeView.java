package io.weft.controlplane.xds;

import io.weft.controlplane.model.MeshState;
import io.weft.controlplane.model.ProxyNode;
import io.weft.controlplane.translate.ClusterTranslator;
import io.weft.controlplane.translate.EndpointTranslator;
import io.weft.controlplane.translate.ListenerTranslator;
import io.weft.controlplane.translate.RouteTranslator;
import io.weft.controlplane.translate.SecurityTranslator;
import io.weft.proto.MeshNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The resources that belong to one group of identical proxies (same {@link ProxyNode.Key}) at one
 * mesh state: what they get for wildcard subscriptions, and their own named resources.
 * Immutable, shared by every stream of the group.
 */
final class NodeView {
    private final Map<String, ResourceSet> byType;

    private NodeView(Map<String, ResourceSet> byType) {
        this.byType = byType;
    }

    static NodeView build(ProxyNode node, MeshState state) {
        List<XdsResource> listeners = new ArrayList<>();
        ListenerTranslator.forNode(node).stream().map(l -> SecurityTranslator.listener(l, node, state))
                .forEach(l -> listeners.add(XdsResource.of(l.getName(), l)));
        List<XdsResource> routes = new ArrayList<>();
        RouteTranslator.forNode(node, state.config()).forEach(r -> routes.add(XdsResource.of(r.getName(), r)));
        List<XdsResource> clusters = new ArrayList<>();
        List<XdsResource> endpoints = new ArrayList<>();
        for (var c : ClusterTranslator.forNode(node, state.config()).stream().map(c -> SecurityTranslator.cluster(c, state)).toList()) {
            clusters.add(XdsResource.of(c.getName(), c));
            if (c.hasEdsClusterConfig()) {
                EndpointTranslator.forService(c.getName(), state)
                        .ifPresent(cla -> endpoints.add(XdsResource.of(cla.getClusterName(), cla)));
            }
        }
        return new NodeView(Map.of(
                MeshNames.LISTENER_TYPE, ResourceSet.of(listeners),
                MeshNames.ROUTE_TYPE, ResourceSet.of(routes),
                MeshNames.CLUSTER_TYPE, ResourceSet.of(clusters),
                MeshNames.ENDPOINT_TYPE, ResourceSet.of(endpoints),
                MeshNames.SECRET_TYPE, ResourceSet.of(SecurityTranslator.secrets(state).stream()
                        .map(s -> XdsResource.of(s.getName(), s)).toList())));
    }

    ResourceSet wildcard(String typeUrl) {
        return byType.getOrDefault(typeUrl, ResourceSet.EMPTY);
    }
}
