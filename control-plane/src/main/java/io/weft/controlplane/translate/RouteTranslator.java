package io.weft.controlplane.translate;

import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.weft.controlplane.model.MeshConfig;
import io.weft.controlplane.model.ProxyNode;
import io.weft.controlplane.model.RouteSpec;
import io.weft.controlplane.model.VirtualHostSpec;
import io.weft.proto.MeshNames;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Route configurations (RDS). Pure functions of (node, config). */
public final class RouteTranslator {
    private static final String INBOUND = "weft.inbound";

    private RouteTranslator() {
    }

    public static String inboundName() {
        return INBOUND;
    }

    /** The route configurations a Weft proxy's listeners reference. */
    public static List<RouteConfiguration> forNode(ProxyNode node, MeshConfig config) {
        return switch (node.mode()) {
            case SIDECAR -> List.of(inbound(node), outbound(node, config));
            case EDGE -> List.of(edge(config));
            case PROXYLESS -> List.of();
        };
    }

    /** The route configurations that depend on the node alone (its inbound routes). */
    public static List<RouteConfiguration> local(ProxyNode node) {
        return node.mode() == ProxyNode.Mode.SIDECAR ? List.of(inbound(node)) : List.of();
    }

    /**
     * The route configurations every proxy of the node's mode and service shares: a sidecar's outbound
     * routes, an edge's public routes. Reads only {@code node.mode()} and {@code node.service()}.
     */
    public static List<RouteConfiguration> shared(ProxyNode node, MeshConfig config) {
        return switch (node.mode()) {
            case SIDECAR -> List.of(outbound(node, config));
            case EDGE -> List.of(edge(config));
            case PROXYLESS -> List.of();
        };
    }

    /** Everything arriving at a sidecar's inbound listener goes to its own app. */
    static RouteConfiguration inbound(ProxyNode node) {
        return RouteConfiguration.newBuilder()
                .setName(INBOUND)
                .addVirtualHosts(VirtualHost.newBuilder()
                        .setName("inbound|" + node.service())
                        .addDomains("*")
                        .addRoutes(Route.newBuilder()
                                .setName("inbound")
                                .setMatch(io.envoyproxy.envoy.config.route.v3.RouteMatch.newBuilder().setPrefix("/"))
                                .setRoute(RouteAction.newBuilder().setCluster(MeshNames.inboundCluster(node.service())))))
                .build();
    }

    /** The virtual hosts of the services this sidecar's service depends on, and nothing else. */
    static RouteConfiguration outbound(ProxyNode node, MeshConfig config) {
        RouteConfiguration.Builder rc = RouteConfiguration.newBuilder().setName(MeshNames.OUTBOUND_LISTENER);
        for (VirtualHostSpec vh : visibleHosts(node, config)) {
            rc.addVirtualHosts(virtualHost(vh, config));
        }
        return rc.build();
    }

    static RouteConfiguration edge(MeshConfig config) {
        RouteConfiguration.Builder rc = RouteConfiguration.newBuilder().setName(MeshNames.EDGE_LISTENER);
        config.edgeHosts().forEach(vh -> rc.addVirtualHosts(virtualHost(vh, config)));
        return rc.build();
    }

    /**
     * The route configuration named after a service, holding its virtual host: what proxyless gRPC
     * clients and on-demand lookups ask for.
     */
    public static Optional<RouteConfiguration> forService(String service, MeshConfig config) {
        return config.service(service).flatMap(s -> config.hostFor(service)).map(vh -> RouteConfiguration.newBuilder()
                .setName(service)
                .addVirtualHosts(virtualHost(vh, config))
                .build());
    }

    /** The virtual hosts a sidecar of {@code node.service()} may use, in a stable order. */
    static List<VirtualHostSpec> visibleHosts(ProxyNode node, MeshConfig config) {
        Set<VirtualHostSpec> hosts = new LinkedHashSet<>();
        config.service(node.service()).ifPresent(s -> s.dependsOn().forEach(dep -> config.hostFor(dep).ifPresent(hosts::add)));
        return List.copyOf(hosts);
    }

    /** Every cluster the given virtual hosts can send traffic to, in a stable order. */
    static Set<String> clusters(Collection<VirtualHostSpec> hosts) {
        Set<String> out = new LinkedHashSet<>();
        for (VirtualHostSpec vh : hosts) {
            for (RouteSpec r : vh.routes()) {
                r.targets().forEach(t -> out.add(t.cluster()));
            }
        }
        return out;
    }

    static VirtualHost virtualHost(VirtualHostSpec spec, MeshConfig config) {
        VirtualHost.Builder vh = VirtualHost.newBuilder().setName(spec.name());
        for (String d : spec.domains()) {
            vh.addDomains(d);
            if (!d.contains(":") && !d.equals("*")) {
                vh.addDomains(d + ":*"); // Host headers may carry a port
            }
        }
        for (RouteSpec r : spec.routes()) {
            vh.addRoutes(RouteActions.route(r, config));
        }
        return vh.build();
    }
}
