package io.weft.sidecar.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An upstream cluster.
 *
 * @param edsName         the ClusterLoadAssignment to subscribe to, for EDS clusters
 * @param staticEndpoints the endpoints given inline, for STATIC clusters
 * @param lbPolicy        the load-balancing policy
 * @param tls             mTLS to the endpoints, when the cluster has a TLS transport socket
 */
public record ClusterSpec(String name, Optional<String> edsName, List<EndpointSpec> staticEndpoints,
                          LbPolicy lbPolicy, Duration connectTimeout, Optional<UpstreamTlsSpec> tls) {
    public enum LbPolicy { ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH }

    public ClusterSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(edsName, "edsName");
        staticEndpoints = List.copyOf(staticEndpoints);
        Objects.requireNonNull(lbPolicy, "lbPolicy");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(tls, "tls");
    }

    public ClusterSpec(String name, Optional<String> edsName, List<EndpointSpec> staticEndpoints, LbPolicy lbPolicy,
                       Duration connectTimeout) {
        this(name, edsName, staticEndpoints, lbPolicy, connectTimeout, Optional.empty());
    }
}
