package io.weft.sidecar.config;

import io.weft.sidecar.filter.FilterContext;
import io.weft.sidecar.filter.FilterRegistry;
import io.weft.sidecar.model.ClusterSpec;
import io.weft.sidecar.model.EndpointSpec;
import io.weft.sidecar.model.EndpointsSpec;
import io.weft.sidecar.model.ListenerSpec;
import io.weft.sidecar.model.RouteConfigSpec;
import io.weft.sidecar.model.VirtualHostSpec;
import io.weft.proto.MeshNames;
import io.weft.sidecar.route.RouteCompiler;
import io.weft.sidecar.route.RouteTable;
import io.weft.sidecar.upstream.Forwarder;
import io.weft.sidecar.upstream.UpstreamCluster;
import io.weft.sidecar.upstream.UpstreamRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns accepted xDS state into compiled snapshots and swaps each one in. Refuses an inconsistent
 * set: every listener's route configuration, every route's cluster and every EDS cluster's endpoints
 * must be present. Holds what outlives a snapshot: the filter registry and context, the upstream
 * registry (endpoint state, breakers) and the forwarder. Called on the xDS client's thread.
 */
public final class SnapshotCompiler {
    private final FilterRegistry filters;
    private final FilterContext context;
    private final UpstreamRegistry upstreams;
    private final Forwarder forwarder;
    private final SnapshotHolder holder;

    public SnapshotCompiler(FilterRegistry filters, FilterContext context, UpstreamRegistry upstreams, Forwarder forwarder,
                            SnapshotHolder holder) {
        this.filters = Objects.requireNonNull(filters, "filters");
        this.context = Objects.requireNonNull(context, "context");
        this.upstreams = Objects.requireNonNull(upstreams, "upstreams");
        this.forwarder = Objects.requireNonNull(forwarder, "forwarder");
        this.holder = Objects.requireNonNull(holder, "holder");
    }

    public FilterRegistry filters() {
        return filters;
    }

    /**
     * The virtual hosts of route configurations fetched on demand (named by no listener), for the
     * outbound listener; only those whose clusters and endpoints have all arrived, so a half-fetched
     * one never holds back the rest of the config.
     */
    private static List<VirtualHostSpec> onDemandHosts(ConfigSnapshot.Sources src) {
        java.util.Set<String> named = new java.util.HashSet<>();
        src.listeners().values().forEach(l -> named.add(l.routeConfigName()));
        List<VirtualHostSpec> out = new ArrayList<>();
        for (RouteConfigSpec rc : src.routes().values()) {
            boolean complete = RouteTable.clustersOf(rc).stream().allMatch(c -> src.clusters().containsKey(c)
                    && src.clusters().get(c).edsName().map(n -> src.endpoints().containsKey(n)).orElse(true));
            if (!named.contains(rc.name()) && complete) {
                out.addAll(rc.virtualHosts());
            }
        }
        return out;
    }

    /**
     * Compiles and swaps in a snapshot when the set is complete and consistent.
     *
     * @return what is still missing; empty when the snapshot was swapped in
     */
    public List<String> offer(ConfigSnapshot.Sources src, Map<String, String> versions) {
        List<String> missing = new ArrayList<>();
        for (ListenerSpec l : src.listeners().values()) {
            RouteConfigSpec rc = src.routes().get(l.routeConfigName());
            if (rc == null) {
                missing.add("RouteConfiguration " + l.routeConfigName() + " (for listener " + l.name() + ")");
                continue;
            }
            for (String c : RouteTable.clustersOf(rc)) {
                if (!src.clusters().containsKey(c)) {
                    missing.add("Cluster " + c + " (for route configuration " + rc.name() + ")");
                }
            }
        }
        java.util.Set<String> needed = new java.util.HashSet<>();
        src.listeners().values().forEach(l -> java.util.Optional.ofNullable(src.routes().get(l.routeConfigName()))
                .ifPresent(rc -> needed.addAll(RouteTable.clustersOf(rc))));
        for (ClusterSpec c : src.clusters().values()) {
            if (c.edsName().isPresent() && !src.endpoints().containsKey(c.edsName().get()) && needed.contains(c.name())) {
                missing.add("ClusterLoadAssignment " + c.edsName().get() + " (for cluster " + c.name() + ")");
            }
        }
        if (!missing.isEmpty()) {
            return missing;
        }
        Map<String, UpstreamCluster> clusters = new HashMap<>();
        for (ClusterSpec c : src.clusters().values()) {
            if (c.edsName().isPresent() && !src.endpoints().containsKey(c.edsName().get())) {
                continue; // an on-demand cluster whose endpoints are still on their way
            }
            List<EndpointSpec> eps = c.edsName().map(n -> src.endpoints().get(n)).map(EndpointsSpec::endpoints)
                    .orElse(c.staticEndpoints());
            clusters.put(c.name(), upstreams.compile(c, eps));
        }
        RouteCompiler.ForwardFactory forwards = forwarder.actions(clusters);
        List<VirtualHostSpec> onDemand = onDemandHosts(src);
        Map<String, RouteTable> tables = new HashMap<>();
        for (ListenerSpec l : src.listeners().values()) {
            RouteCompiler rc = new RouteCompiler(l.name(), l.httpFilters(), filters, context, forwards);
            RouteConfigSpec routes = src.routes().get(l.routeConfigName());
            if (l.name().equals(MeshNames.OUTBOUND_LISTENER) && !onDemand.isEmpty()) {
                List<VirtualHostSpec> hosts = new ArrayList<>(routes.virtualHosts());
                hosts.addAll(onDemand); // the listener's own hosts win on a tie
                routes = new RouteConfigSpec(routes.name(), hosts);
            }
            tables.put(l.name(), RouteTable.compile(routes, rc));
        }
        holder.swap(new ConfigSnapshot(Map.copyOf(tables), Map.copyOf(clusters), Map.copyOf(versions), src,
                forwarder.upstreams(clusters)));
        upstreams.retain(clusters.keySet());
        return missing;
    }
}
