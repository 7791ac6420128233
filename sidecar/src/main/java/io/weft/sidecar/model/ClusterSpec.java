package io.weft.sidecar.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An upstream cluster.
 *
 * @param tls             mTLS to the endpoints, when the cluster has a TLS transport socket
 * @param edsName         the ClusterLoadAssignment to subscribe to, for EDS clusters
 * @param staticEndpoints the endpoints given inline, for STATIC clusters
 * @param lb              the load-balancing policy and its parameters
 * @param limits          concurrency limits and retry budget
 * @param outlier         passive outlier detection, if configured
 * @param healthCheck     active HTTP health check, if configured
 */
public record ClusterSpec(String name, Optional<String> edsName, List<EndpointSpec> staticEndpoints, LbSpec lb,
                          Duration connectTimeout, Protocol protocol, LimitsSpec limits, Optional<OutlierSpec> outlier,
                          Optional<HealthCheckSpec> healthCheck, Optional<UpstreamTlsSpec> tls) {
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
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(edsName, "edsName");
        staticEndpoints = List.copyOf(staticEndpoints);
        Objects.requireNonNull(lb, "lb");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(outlier, "outlier");
        Objects.requireNonNull(healthCheck, "healthCheck");
        Objects.requireNonNull(tls, "tls");
    }

    /** A cluster without TLS. */
    public ClusterSpec(String name, Optional<String> edsName, List<EndpointSpec> staticEndpoints, LbSpec lb,
                       Duration connectTimeout, Protocol protocol, LimitsSpec limits, Optional<OutlierSpec> outlier,
                       Optional<HealthCheckSpec> healthCheck) {
        this(name, edsName, staticEndpoints, lb, connectTimeout, protocol, limits, outlier, healthCheck, Optional.empty());
    }

    /** A plain cluster with defaults for everything but its name and endpoints source. */
    public static ClusterSpec simple(String name, Optional<String> edsName, List<EndpointSpec> staticEndpoints) {
        return new ClusterSpec(name, edsName, staticEndpoints, LbSpec.of(LbSpec.Policy.ROUND_ROBIN), Duration.ofSeconds(5),
                Protocol.HTTP1, LimitsSpec.DEFAULTS, Optional.empty(), Optional.empty());
    }
}
