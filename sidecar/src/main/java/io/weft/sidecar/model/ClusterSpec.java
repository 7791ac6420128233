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
 */
public record ClusterSpec(String name, Optional<String> edsName, List<EndpointSpec> staticEndpoints,
                          LbPolicy lbPolicy, Duration connectTimeout, Protocol protocol, Optional<UpstreamTlsSpec> tls) {
    public enum LbPolicy { ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH }

    /**
     * The protocol spoken to the cluster's endpoints. gRPC requests always use HTTP/2 (cleartext,
     * prior knowledge), whatever this says.
     */
    public enum Protocol {
        /** HTTP/1.1 with keep-alive pools (Envoy's default). */
        HTTP1,
        /** HTTP/2 cleartext with prior knowledge. */
        HTTP2,
        /** The protocol the request arrived with. */
        DOWNSTREAM
    }

    public ClusterSpec {
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(edsName, "edsName");
        staticEndpoints = List.copyOf(staticEndpoints);
        Objects.requireNonNull(lbPolicy, "lbPolicy");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(protocol, "protocol");
    }

    /** A cluster without TLS. */
    public ClusterSpec(String name, Optional<String> edsName, List<EndpointSpec> staticEndpoints, LbPolicy lbPolicy,
                       Duration connectTimeout, Protocol protocol) {
        this(name, edsName, staticEndpoints, lbPolicy, connectTimeout, protocol, Optional.empty());
    }
}
