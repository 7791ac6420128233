package io.weft.controlplane.model;

import java.util.Map;
import java.util.Objects;

/**
 * A reachable instance of a service: the address and port of its sidecar's inbound listener.
 *
 * @param service the service it serves
 * @param address an IP literal (xDS clients such as grpc-java refuse host names)
 * @param port    the inbound port
 * @param labels  instance labels (version, zone)
 * @param source  who reported it: a node id, or "consul"
 */
public record Endpoint(String service, String address, int port, Map<String, String> labels, String source) {
    public Endpoint {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(address, "address");
        labels = Map.copyOf(labels);
        Objects.requireNonNull(source, "source");
    }
}
