package io.weft.controlplane.xds;

import io.weft.controlplane.model.MeshState;
import io.weft.controlplane.model.ProxyNode;
import io.weft.controlplane.translate.ClusterTranslator;
import io.weft.controlplane.translate.EndpointTranslator;
import io.weft.controlplane.translate.ListenerTranslator;
import io.weft.controlplane.translate.RouteTranslator;
import io.weft.proto.MeshNames;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every resource the control plane can serve at one {@link MeshState}. Node views and resources
 * looked up by name are translated once, on first use, and shared; the view itself never changes,
 * so it is safe to read from any stream's thread.
 */
final class MeshView {
    private final MeshState state;
    private final Map<ProxyNode.Key, NodeView> nodes = new ConcurrentHashMap<>();
    private final Map<String, NodeView.Shared> shared = new ConcurrentHashMap<>();
    private final Map<String, Optional<XdsResource>> named = new ConcurrentHashMap<>();

    MeshView(MeshState state) {
        this.state = state;
    }

    MeshState state() {
        return state;
    }

    long version() {
        return state.version();
    }

    /** What a wildcard subscription of this node sees. */
    ResourceSet wildcard(ProxyNode node, String typeUrl) {
        return nodeView(node).wildcard(typeUrl);
    }

    /**
     * What a subscription sees: the node's wildcard set, the named resources, or (a wildcard
     * subscription that also names resources outside it, as on-demand lookups do) both.
     */
    ResourceSet subscribed(ProxyNode node, String typeUrl, boolean wildcard, Collection<String> names) {
        if (!wildcard) {
            return named(node, typeUrl, names);
        }
        ResourceSet all = wildcard(node, typeUrl);
        if (names.isEmpty() || all.resources().keySet().containsAll(names)) {
            return all;
        }
        List<XdsResource> union = new ArrayList<>(all.resources().values());
        named(node, typeUrl, names).resources().forEach((n, r) -> {
            if (!all.resources().containsKey(n)) {
                union.add(r);
            }
        });
        return ResourceSet.of(union);
    }

    /** The named resources that exist, from the node's own first, then the mesh-wide ones. */
    ResourceSet named(ProxyNode node, String typeUrl, Collection<String> names) {
        ResourceSet own = nodeView(node).wildcard(typeUrl);
        if (names.size() == own.resources().size() && own.resources().keySet().containsAll(names)) {
            return own; // a sidecar names exactly its own routes / endpoints: no new set, no new hash
        }
        List<XdsResource> out = new ArrayList<>(names.size());
        for (String name : names) {
            XdsResource r = own.resources().get(name);
            if (r == null) {
                r = named.computeIfAbsent(typeUrl + "\n" + name, k -> translate(typeUrl, name)).orElse(null);
            }
            if (r != null) {
                out.add(r);
            }
        }
        return ResourceSet.of(out);
    }

    private NodeView nodeView(ProxyNode node) {
        NodeView v = nodes.get(node.key());
        if (v == null) {
            // Outside computeIfAbsent: building may take the shared map's lock for the service.
            NodeView.Shared sv = shared.computeIfAbsent(node.mode() + "/" + node.service(), k -> NodeView.Shared.build(node, state));
            v = nodes.computeIfAbsent(node.key(), k -> NodeView.build(node, sv));
        }
        return v;
    }

    private Optional<XdsResource> translate(String typeUrl, String name) {
        var config = state.config();
        return switch (typeUrl) {
            case MeshNames.LISTENER_TYPE -> {
                // xds:///orders asks for "orders", xds:///orders:8080 for "orders:8080".
                int colon = name.lastIndexOf(':');
                String service = colon > 0 ? name.substring(0, colon) : name;
                yield config.service(service).map(s -> XdsResource.of(name, ListenerTranslator.api(name, service)));
            }
            case MeshNames.ROUTE_TYPE -> RouteTranslator.forService(name, config).map(r -> XdsResource.of(name, r));
            case MeshNames.CLUSTER_TYPE -> ClusterTranslator.forName(name, config).map(c -> XdsResource.of(name, c));
            case MeshNames.ENDPOINT_TYPE -> EndpointTranslator.forName(name, state).map(c -> XdsResource.of(name, c));
            default -> Optional.empty();
        };
    }
}
