package io.weft.sidecar.model;

import java.util.Objects;

/** One endpoint: an IP literal and port, its weight and its zone. */
public record EndpointSpec(String address, int port, int weight, String zone) {
    public EndpointSpec {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(zone, "zone");
    }

    public String authority() {
        return address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port;
    }
}
