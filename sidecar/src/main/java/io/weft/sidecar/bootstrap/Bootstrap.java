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
 * @param edgeTls      in edge mode, TLS termination on the edge port; empty for plaintext
 */
public record Bootstrap(Mode mode, String nodeId, String service, String namespace, String controlPlane,
                        String address, int inboundPort, int outboundPort, int appPort, int adminPort, int edgePort,
                        Map<String, String> labels, Duration drainTime, Duration outboundGrace, Optional<EdgeTls> edgeTls) {
    public enum Mode { SIDECAR, EDGE }

    public static final Duration DEFAULT_DRAIN_TIME = Duration.ofSeconds(15);
    public static final Duration DEFAULT_OUTBOUND_GRACE = Duration.ofSeconds(10);

    /** A bootstrap with the default drain time and outbound grace. */
    public Bootstrap(Mode mode, String nodeId, String service, String namespace, String controlPlane, String address,
                     int inboundPort, int outboundPort, int appPort, int adminPort, int edgePort, Map<String, String> labels) {
        this(mode, nodeId, service, namespace, controlPlane, address, inboundPort, outboundPort, appPort, adminPort, edgePort,
                labels, DEFAULT_DRAIN_TIME, DEFAULT_OUTBOUND_GRACE, Optional.empty());
    }

    /** A plaintext bootstrap with the given shutdown timings. */
    public Bootstrap(Mode mode, String nodeId, String service, String namespace, String controlPlane, String address,
                     int inboundPort, int outboundPort, int appPort, int adminPort, int edgePort, Map<String, String> labels,
                     Duration drainTime, Duration outboundGrace) {
        this(mode, nodeId, service, namespace, controlPlane, address, inboundPort, outboundPort, appPort, adminPort, edgePort,
                labels, drainTime, outboundGrace, Optional.empty());
    }

    /** The same bootstrap terminating TLS on the edge port. */
    public Bootstrap withEdgeTls(EdgeTls tls) {
        return new Bootstrap(mode, nodeId, service, namespace, controlPlane, address, inboundPort, outboundPort, appPort,
                adminPort, edgePort, labels, drainTime, outboundGrace, Optional.of(tls));
    }

    /** The same bootstrap with other shutdown timings. */
    public Bootstrap withShutdown(Duration drain, Duration grace) {
        return new Bootstrap(mode, nodeId, service, namespace, controlPlane, address, inboundPort, outboundPort, appPort,
                adminPort, edgePort, labels, drain, grace, edgeTls);
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
        Objects.requireNonNull(edgeTls, "edgeTls");
    }
}
