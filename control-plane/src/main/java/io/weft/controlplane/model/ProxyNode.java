package io.weft.controlplane.model;

import java.util.Map;
import java.util.Objects;

/**
 * A proxy as it described itself in its xDS {@code Node}: who it is and where it listens.
 * Proxyless gRPC clients have no Weft metadata and appear with {@link Mode#PROXYLESS}.
 */
public record ProxyNode(String id, String cluster, Mode mode, String service, String namespace, String address,
                        int inboundPort, int outboundPort, int appPort, int edgePort, Map<String, String> labels) {
    public enum Mode { SIDECAR, EDGE, PROXYLESS }

    public ProxyNode {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(address, "address");
        labels = Map.copyOf(labels);
    }

    /** What the translators depend on: nodes with equal keys get identical resources. */
    public Key key() {
        return new Key(mode, service, inboundPort, outboundPort, appPort, edgePort);
    }

    public record Key(Mode mode, String service, int inboundPort, int outboundPort, int appPort, int edgePort) {
    }
}
