package io.weft.controlplane.translate;

import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.weft.controlplane.model.HeaderMatch;
import io.weft.controlplane.model.MeshConfig;
import io.weft.controlplane.model.ProxyNode;
import io.weft.controlplane.model.RouteSpec;
import io.weft.controlplane.model.VirtualHostSpec;
import io.weft.controlplane.model.WeightedTarget;
import io.weft.proto.MeshNames;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Route configurations. Pure functions of (node, config). */
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

    /** Everything arriving at a sidecar's inbound listener goes to its own app. */
    static RouteConfiguration inbound(ProxyNode node) {
        return RouteConfiguration.newBuilder()
                .setName(INBOUND)
                .addVirtualHosts(VirtualHost.newBuilder()
                        .setName("inbound|" + node.service())
                        .addDomains("*")
                        .addRoutes(Route.newBuilder()
                                .setName("inbound")
                                .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                                .setRoute(RouteAction.newBuilder().setCluster(MeshNames.inboundCluster(node.service())))))
                .build();
    }

    /** The virtual hosts of the services this sidecar's service depends on, and nothing else. */
    static RouteConfiguration outbound(ProxyNode node, MeshConfig config) {
        RouteConfiguration.Builder rc = RouteConfiguration.newBuilder().setName(MeshNames.OUTBOUND_LISTENER);
        for (VirtualHostSpec vh : visibleHosts(node, config)) {
            rc.addVirtualHosts(virtualHost(vh));
        }
        return rc.build();
    }

    static RouteConfiguration edge(MeshConfig config) {
        RouteConfiguration.Builder rc = RouteConfiguration.newBuilder().setName(MeshNames.EDGE_LISTENER);
        config.edgeHosts().forEach(vh -> rc.addVirtualHosts(virtualHost(vh)));
        return rc.build();
    }

    /** The route configuration named after a service, as proxyless gRPC clients and on-demand lookups use it. */
    public static Optional<RouteConfiguration> forService(String service, MeshConfig config) {
        return hostFor(service, config).map(vh -> RouteConfiguration.newBuilder()
                .setName(service)
                .addVirtualHosts(virtualHost(vh))
                .build());
    }

    /** The virtual hosts a sidecar of {@code node.service()} may use, in a stable order. */
    static List<VirtualHostSpec> visibleHosts(ProxyNode node, MeshConfig config) {
        Set<VirtualHostSpec> hosts = new LinkedHashSet<>();
        config.service(node.service()).ifPresent(s -> s.dependsOn().forEach(dep -> hostFor(dep, config).ifPresent(hosts::add)));
        return List.copyOf(hosts);
    }

    static Optional<VirtualHostSpec> hostFor(String service, MeshConfig config) {
        return config.virtualHosts().values().stream().filter(v -> v.domains().contains(service)).findFirst();
    }

    /** Every service the given virtual hosts can send traffic to. */
    static Set<String> targets(Collection<VirtualHostSpec> hosts) {
        Set<String> out = new LinkedHashSet<>();
        for (VirtualHostSpec vh : hosts) {
            for (RouteSpec r : vh.routes()) {
                r.targets().forEach(t -> out.add(t.service()));
            }
        }
        return out;
    }

    static VirtualHost virtualHost(VirtualHostSpec spec) {
        VirtualHost.Builder vh = VirtualHost.newBuilder().setName(spec.name());
        for (String d : spec.domains()) {
            vh.addDomains(d);
            if (!d.contains(":") && !d.equals("*")) {
                vh.addDomains(d + ":*"); // Host headers may carry a port
            }
        }
        for (RouteSpec r : spec.routes()) {
            vh.addRoutes(route(r));
        }
        return vh.build();
    }

    private static Route route(RouteSpec spec) {
        RouteMatch.Builder m = RouteMatch.newBuilder();
        switch (spec.match().path().kind()) {
            case PREFIX -> m.setPrefix(spec.match().path().value());
            case EXACT -> m.setPath(spec.match().path().value());
            case REGEX -> m.setSafeRegex(RegexMatcher.newBuilder().setRegex(spec.match().path().value()));
        }
        spec.match().method().ifPresent(method -> m.addHeaders(HeaderMatcher.newBuilder()
                .setName(":method")
                .setStringMatch(StringMatcher.newBuilder().setExact(method))));
        for (HeaderMatch h : spec.match().headers()) {
            StringMatcher.Builder sm = StringMatcher.newBuilder();
            if (h.regex()) {
                sm.setSafeRegex(RegexMatcher.newBuilder().setRegex(h.value()));
            } else {
                sm.setExact(h.value());
            }
            m.addHeaders(HeaderMatcher.newBuilder().setName(h.name()).setStringMatch(sm));
        }
        RouteAction.Builder action = RouteAction.newBuilder();
        if (spec.targets().size() == 1) {
            action.setCluster(spec.targets().get(0).service());
        } else {
            WeightedCluster.Builder wc = WeightedCluster.newBuilder();
            for (WeightedTarget t : spec.targets()) {
                wc.addClusters(WeightedCluster.ClusterWeight.newBuilder()
                        .setName(t.service()).setWeight(UInt32Value.of(t.weight())));
            }
            action.setWeightedClusters(wc);
        }
        spec.timeout().ifPresent(t -> action.setTimeout(Durations.fromMillis(t.toMillis())));
        spec.prefixRewrite().ifPresent(action::setPrefixRewrite);
        Route.Builder route = Route.newBuilder().setName(spec.name()).setMatch(m).setRoute(action);
        if (!spec.filters().isEmpty()) {
            // A route with edge policy matches case-insensitively, so /ADMIN cannot slip past /admin/.
            m.setCaseSensitive(com.google.protobuf.BoolValue.of(false));
            route.setMatch(m);
            spec.filters().forEach((name, cfg) -> route.putTypedPerFilterConfig(name, com.google.protobuf.Any.pack(cfg)));
        }
        return route.build();
    }

    static List<String> names(List<RouteConfiguration> rcs) {
        List<String> out = new ArrayList<>();
        rcs.forEach(r -> out.add(r.getName()));
        return out;
    }
}
