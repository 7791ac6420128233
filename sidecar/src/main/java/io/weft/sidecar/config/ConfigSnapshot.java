package io.weft.sidecar.config;

import io.weft.sidecar.model.ClusterSpec;
import io.weft.sidecar.model.EndpointsSpec;
import io.weft.sidecar.model.ListenerSpec;
import io.weft.sidecar.model.RouteConfigSpec;
import io.weft.sidecar.filter.Upstreams;
import io.weft.sidecar.route.RouteTable;
import io.weft.sidecar.upstream.UpstreamCluster;
import java.util.Map;
import java.util.Optional;

/**
 * One consistent, compiled set of accepted xDS resources: every listener's route table (with filter
 * chains and actions bound to this snapshot's clusters) and every cluster with its endpoints and load
 * balancer. Built once per accepted update by {@link SnapshotCompiler}, swapped in atomically; a
 * request reads one snapshot and keeps it to the end. Immutable and thread-safe.
 *
 * @param versions  the accepted version per type URL, for {@code /config_dump}
 * @param upstreams requests filters make on their own (aggregation, transcoding), to these clusters
 */
public record ConfigSnapshot(Map<String, RouteTable> listeners, Map<String, UpstreamCluster> clusters,
                             Map<String, String> versions, Sources sources, Upstreams upstreams) {

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
}
