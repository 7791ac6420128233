package io.weft.controlplane.xds;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One type URL on one stream, state-of-the-world or delta: what the proxy subscribes to, what was
 * sent, and what the proxy acknowledged or refused. Guarded by the stream's lock.
 */
final class TypeState {
    boolean wildcard;
    /** The names subscribed to, besides (or instead of) the wildcard; sorted, so status reads the same every time. */
    final Set<String> names = new TreeSet<>();
    String sentVersion = "";
    String sentNonce = "";
    long sentMeshVersion;
    String ackedVersion = "";
    long ackedMeshVersion = -1;
    Optional<ProxyStatus.Nack> lastNack = Optional.empty();
    /** Endpoints held back while the control plane warms up: the proxy announced it already has some. */
    boolean heldForWarmUp;

    /** Delta only: name → version the proxy has (or was last sent). */
    final Map<String, String> known = new HashMap<>();
    /** Delta only: names the proxy was told do not exist; not repeated. */
    final Set<String> toldAbsent = new HashSet<>();

    /**
     * Whether a request carrying {@code nonce} answers something other than the latest response of
     * this type: such a request was superseded and is ignored. An empty nonce answers nothing.
     */
    boolean stale(String nonce) {
        return !nonce.isEmpty() && !nonce.equals(sentNonce);
    }

    void sent(String version, String nonce, long meshVersion) {
        sentVersion = version;
        sentNonce = nonce;
        sentMeshVersion = meshVersion;
    }

    AdsStreamBase.Subscription subscription() {
        return new AdsStreamBase.Subscription(wildcard, Set.copyOf(names));
    }

    ProxyStatus.TypeStatus status() {
        return new ProxyStatus.TypeStatus(wildcard ? "*" : String.join(",", names), sentVersion, ackedVersion,
                ackedMeshVersion, lastNack);
    }
}
