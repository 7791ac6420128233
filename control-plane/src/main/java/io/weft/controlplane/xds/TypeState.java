package io.weft.controlplane.xds;

import java.util.Optional;

/**
 * What one stream sent and what the proxy acknowledged, for one type URL. Guarded by the stream's lock.
 */
class TypeState {
    boolean wildcard;
    String sentVersion = "";
    String sentNonce = "";
    long sentMeshVersion;
    String ackedVersion = "";
    long ackedMeshVersion = -1;
    Optional<ProxyStatus.Nack> lastNack = Optional.empty();
    /** Endpoints held back while the control plane warms up: the proxy announced it already has some. */
    boolean heldForWarmUp;

    ProxyStatus.TypeStatus status(String subscribed) {
        return new ProxyStatus.TypeStatus(subscribed, sentVersion, ackedVersion, ackedMeshVersion, lastNack);
    }

    void sent(String version, String nonce, long meshVersion) {
        sentVersion = version;
        sentNonce = nonce;
        sentMeshVersion = meshVersion;
    }
}
