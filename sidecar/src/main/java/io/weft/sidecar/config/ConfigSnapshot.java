package io.weft.sidecar.config;

import io.weft.sidecar.model.ClusterSpec;
import io.weft.sidecar.model.EndpointSpec;
import io.weft.sidecar.model.EndpointsSpec;
import io.weft.sidecar.model.ListenerSpec;
import io.weft.sidecar.model.RouteConfigSpec;
import io.weft.sidecar.route.ChainCompiler;
import io.weft.sidecar.route.RouteTable;
import io.weft.sidecar.upstream.UpstreamCluster;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One consistent, compiled set of accepted xDS resources: every listener's route table and every
 * cluster with its endpoints. Built once per accepted update, swapped in atomically; a request reads
 * one snapshot and keeps it to the end. Immutable and thread-safe.
 *
 * @param versions the accepted version per type URL, for {@code /config_dump}
 */
public record ConfigSnapshot(Map<String, RouteTable> listeners, Map<String, UpstreamCluster> clusters,
                             Map<String, String> versions, Sources sources) {

    /** The domain records the snapshot was compiled from, for {@code /config_dump}. */
    public record Sources(Map<String, ListenerSpec> listeners, Map<String, RouteConfigSpec> routes,
                          Map<String, ClusterSpec> clusters, Map<String, EndpointsSpec> endpoints) {
    }

    public Optional<RouteTable> listener(String name) {
        return Optional.ofNullable(listeners.get(name));
    }

    public Optional<UpstreamCluster> cluster(String name) {
        return Optional.ofNullable(clusters.get(name));
    }

    /**
     * Compiles a snapshot, or explains what is missing. Refuses an inconsistent set: every listener's
     * route configuration, every route's cluster and every EDS cluster's endpoints must be present.
     *
     * @param chains makes each listener's chain compiler (its filters, the registry and context)
     * @return the snapshot, or empty with {@code missing} filled when something referenced has not arrived yet
     */
    static Optional<ConfigSnapshot> build(Sources src, Map<String, String> versions,
                                          Function<ListenerSpec, ChainCompiler> chains, List<String> missing) {
        Map<String, RouteTable> tables = new HashMap<>();
        for (ListenerSpec l : src.listeners().values()) {
            RouteConfigSpec rc = src.routes().get(l.routeConfigName());
            if (rc == null) {
                missing.add("RouteConfiguration " + l.routeConfigName() + " (for listener " + l.name() + ")");
                continue;
            }
            tables.put(l.name(), RouteTable.compile(rc, chains.apply(l)));
        }
        Map<String, UpstreamCluster> clusters = new HashMap<>();
        for (ClusterSpec c : src.clusters().values()) {
            List<EndpointSpec> eps;
            if (c.edsName().isPresent()) {
                EndpointsSpec e = src.endpoints().get(c.edsName().get());
                if (e == null) {
                    missing.add("ClusterLoadAssignment " + c.edsName().get() + " (for cluster " + c.name() + ")");
                    continue;
                }
                eps = e.endpoints();
            } else {
                eps = c.staticEndpoints();
            }
            clusters.put(c.name(), new UpstreamCluster(c, eps));
        }
        for (RouteTable t : tables.values()) {
            for (String c : t.clusters()) {
                if (!src.clusters().containsKey(c)) {
                    missing.add("Cluster " + c + " (for route configuration " + t.name() + ")");
                }
            }
        }
        if (!missing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ConfigSnapshot(Map.copyOf(tables), Map.copyOf(clusters), Map.copyOf(versions), src));
    }
}
