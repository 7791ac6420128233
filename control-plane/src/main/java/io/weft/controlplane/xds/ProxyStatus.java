package io.weft.controlplane.xds;

import io.weft.controlplane.model.ProxyNode;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What the control plane knows of one connected proxy, as shown to people (like {@code istioctl proxy-status}).
 *
 * @param node           who it is
 * @param connectedSince when its current stream opened
 * @param protocol       "sotw" or "delta"
 * @param types          per type URL: what was sent and what was acknowledged
 */
public record ProxyStatus(ProxyNode node, Instant connectedSince, String protocol, Map<String, TypeStatus> types) {
    public ProxyStatus {
        types = Map.copyOf(types);
    }

    /**
     * @param subscribed  the names asked for, or "*" for a wildcard subscription
     * @param sentVersion the version of the last response
     * @param ackedVersion the last version the proxy accepted
     * @param ackedMeshVersion the mesh state version that accepted response was built from
     * @param lastNack    the last refusal, if any
     */
    public record TypeStatus(String subscribed, String sentVersion, String ackedVersion, long ackedMeshVersion,
                             Optional<Nack> lastNack) {
    }

    public record Nack(String version, String error, Instant at) {
    }
}
