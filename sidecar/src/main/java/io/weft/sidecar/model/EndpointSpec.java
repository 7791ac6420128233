package io.weft.sidecar.model;

import java.util.Objects;

/**
 * One endpoint: an IP literal and port, its weight, its zone, and whether the control plane says it
 * may receive traffic (EDS health status not UNHEALTHY/DRAINING/TIMEOUT).
 */
public record EndpointSpec(String address, int port, int weight, String zone, boolean healthy) {
    public EndpointSpec {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(zone, "zone");
    }

    public EndpointSpec(String address, int port, int weight, String zone) {
        this(address, port, weight, zone, true);
    }

    public String authority() {
        return address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port;
    }
}
