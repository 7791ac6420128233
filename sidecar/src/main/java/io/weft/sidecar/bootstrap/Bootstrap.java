package io.weft.sidecar.bootstrap;

import java.util.Map;
import java.util.Objects;

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
 */
public record Bootstrap(Mode mode, String nodeId, String service, String namespace, String controlPlane,
                        String address, int inboundPort, int outboundPort, int appPort, int adminPort, int edgePort,
                        Map<String, String> labels) {
    public enum Mode { SIDECAR, EDGE }

    public Bootstrap {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(controlPlane, "controlPlane");
        Objects.requireNonNull(address, "address");
        labels = Map.copyOf(labels);
    }
}
