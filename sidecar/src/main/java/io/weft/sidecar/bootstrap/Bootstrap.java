package io.weft.sidecar.bootstrap;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a proxy needs before it can talk to the control plane. Everything else arrives over xDS.
 *
 * @param mode         sidecar (beside an app) or edge (the public gateway)
 * @param nodeId       unique id of this proxy
 * @param service      the service it fronts (sidecar) or the gateway's name (edge)
 * @param namespace    the service's namespace
 * @param controlPlane host:port of the control plane's xDS port
 * @param address      the IP other proxies reach this one at (its endpoint address)
 * @param inboundPort  port for traffic to the app from the mesh (0: any free port)
 * @param outboundPort port, on loopback, for traffic from the app to the mesh (0: any free port)
 * @param appPort      the app's port on loopback
 * @param adminPort    admin port on loopback: /ready, /live, /config_dump (0: any free port)
 * @param edgePort     the public port in edge mode (0: any free port)
 * @param labels       labels announced with the registration (version, zone)
 * @param drainTime    on shutdown, the longest inbound drain (it ends sooner once inbound has been quiet for a second)
 * @param outboundGrace on shutdown, how long outbound keeps working for the app's own calls (it ends sooner
 *                      once the app has stopped listening and no outbound call is in flight)
 * @param limits       what the listeners accept from clients
 * @param edgeTls      in edge mode, TLS termination on the edge port; empty for plaintext
 */
public record Bootstrap(Mode mode, String nodeId, String service, String namespace, String controlPlane,
                        String address, int inboundPort, int outboundPort, int appPort, int adminPort, int edgePort,
                        Map<String, String> labels, Duration drainTime, Duration outboundGrace, Limits limits,
                        Optional<EdgeTls> edgeTls) {
    public enum Mode { SIDECAR, EDGE }

    /**
     * What the proxy's listeners accept from clients.
     *
     * @param maxRequestBody largest request body in bytes (413 beyond it); -1 for no limit
     * @param headerTimeout  how long a client may take to send its header fields once the request line has come
     * @param idleTimeout    how long a keep-alive connection may sit between requests
     */
    public record Limits(long maxRequestBody, Duration headerTimeout, Duration idleTimeout) {
        public static final Limits DEFAULTS = new Limits(-1, Duration.ofSeconds(10), Duration.ofMinutes(5));

        public Limits {
            Objects.requireNonNull(headerTimeout, "headerTimeout");
            Objects.requireNonNull(idleTimeout, "idleTimeout");
        }
    }

    public static final Duration DEFAULT_DRAIN_TIME = Duration.ofSeconds(15);
    public static final Duration DEFAULT_OUTBOUND_GRACE = Duration.ofSeconds(10);

    /** A bootstrap with the default drain time and outbound grace. */
    public Bootstrap(Mode mode, String nodeId, String service, String namespace, String controlPlane, String address,
                     int inboundPort, int outboundPort, int appPort, int adminPort, int edgePort, Map<String, String> labels) {
        this(mode, nodeId, service, namespace, controlPlane, address, inboundPort, outboundPort, appPort, adminPort, edgePort,
                labels, DEFAULT_DRAIN_TIME, DEFAULT_OUTBOUND_GRACE, Limits.DEFAULTS, Optional.empty());
    }

    /** A plaintext bootstrap with the given shutdown timings and client limits. */
    public Bootstrap(Mode mode, String nodeId, String service, String namespace, String controlPlane, String address,
                     int inboundPort, int outboundPort, int appPort, int adminPort, int edgePort, Map<String, String> labels,
                     Duration drainTime, Duration outboundGrace, Limits limits) {
        this(mode, nodeId, service, namespace, controlPlane, address, inboundPort, outboundPort, appPort, adminPort, edgePort,
                labels, drainTime, outboundGrace, limits, Optional.empty());
    }

    /** The same bootstrap with other client limits. */
    public Bootstrap withLimits(Limits l) {
        return new Bootstrap(mode, nodeId, service, namespace, controlPlane, address, inboundPort, outboundPort, appPort,
                adminPort, edgePort, labels, drainTime, outboundGrace, l, edgeTls);
    }

    /** The same bootstrap terminating TLS on the edge port. */
    public Bootstrap withEdgeTls(EdgeTls tls) {
        return new Bootstrap(mode, nodeId, service, namespace, controlPlane, address, inboundPort, outboundPort, appPort,
                adminPort, edgePort, labels, drainTime, outboundGrace, limits, Optional.of(tls));
    }

    /** The same bootstrap with other shutdown timings. */
    public Bootstrap withShutdown(Duration drain, Duration grace) {
        return new Bootstrap(mode, nodeId, service, namespace, controlPlane, address, inboundPort, outboundPort, appPort,
                adminPort, edgePort, labels, drain, grace, limits, edgeTls);
    }

    public Bootstrap {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(controlPlane, "controlPlane");
        Objects.requireNonNull(address, "address");
        labels = Map.copyOf(labels);
        Objects.requireNonNull(drainTime, "drainTime");
        Objects.requireNonNull(outboundGrace, "outboundGrace");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(edgeTls, "edgeTls");
    }
}
