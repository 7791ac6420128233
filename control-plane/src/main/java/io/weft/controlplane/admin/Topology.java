package io.weft.controlplane.admin;

import io.weft.controlplane.model.MeshConfig;
import io.weft.controlplane.model.RouteSpec;
import io.weft.controlplane.model.ServiceSpec;
import io.weft.controlplane.model.VirtualHostSpec;
import io.weft.controlplane.model.WeightedTarget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mesh as a graph of who may call whom, derived from the config alone: a service calls each
 * service its {@code dependsOn} names, through that name's virtual host, so it reaches every target
 * of that host's routes (a canary split is two edges); the edge calls the targets of its routes.
 * Observed traffic is not in here — clients overlay it from the metrics API. A pure function of the
 * config.
 *
 * @param nodes services (and the edge, when the config has edge routes), sorted by name
 * @param edges one per (from, to) pair, with the routes that make it
 */
public record Topology(List<Node> nodes, List<Edge> edges) {
    /** The name of the edge gateway's node in the graph. */
    public static final String EDGE = "edge";

    /**
     * @param mtls the mTLS mode the config sets for the service's inbound listener (STRICT, PERMISSIVE,
     *             DISABLE); empty for the edge
     */
    public record Node(String name, String kind, String namespace, Map<String, String> labels, String mtls) {
    }

    /**
     * @param routes "virtualHost/route" names that send from → to
     */
    public record Edge(String from, String to, List<String> routes) {
    }

    public static Topology of(MeshConfig config) {
        List<Node> nodes = new ArrayList<>();
        Map<String, Edge> edges = new LinkedHashMap<>();
        config.services().values().stream()
                .sorted(java.util.Comparator.comparing(ServiceSpec::name))
                .forEach(s -> nodes.add(new Node(s.name(), "service", s.namespace(), s.labels(), config.mtlsFor(s).name())));
        if (!config.edgeHosts().isEmpty()) {
            nodes.add(0, new Node(EDGE, "edge", "", Map.of(), ""));
            config.edgeHosts().forEach(vh -> addRoutes(edges, EDGE, vh));
        }
        config.services().values().stream()
                .sorted(java.util.Comparator.comparing(ServiceSpec::name))
                .forEach(s -> s.dependsOn().forEach(dep -> config.hostFor(dep).ifPresentOrElse(
                        vh -> addRoutes(edges, s.name(), vh),
                        () -> add(edges, s.name(), dep, dep))));
        return new Topology(List.copyOf(nodes), List.copyOf(edges.values()));
    }

    private static void addRoutes(Map<String, Edge> edges, String from, VirtualHostSpec vh) {
        for (RouteSpec r : vh.routes()) {
            for (WeightedTarget t : r.targets()) {
                add(edges, from, t.service(), vh.name() + "/" + r.name());
            }
        }
    }

    private static void add(Map<String, Edge> edges, String from, String to, String route) {
        edges.compute(from + "\u0000" + to, (k, e) -> {
            List<String> routes = new ArrayList<>(e == null ? List.of() : e.routes());
            if (!routes.contains(route)) {
                routes.add(route);
            }
            return new Edge(from, to, List.copyOf(routes));
        });
    }
}
