package io.weft.controlplane.xds;

import io.weft.controlplane.model.ProxyNode;

/**
 * Hooks into the xDS server's life. Called on gRPC threads; implementations must be thread-safe and
 * must not block. Every method defaults to doing nothing.
 */
public interface XdsListener {
    /** A proxy opened a stream and announced itself. */
    default void connected(ProxyNode node) {
    }

    /** The proxy's stream ended (it may reconnect). */
    default void disconnected(ProxyNode node) {
    }

    /** A response was sent to the proxy, built from mesh state {@code meshVersion}. */
    default void pushed(ProxyNode node, String typeUrl, String version, long meshVersion) {
    }

    /** The proxy accepted a response. */
    default void acked(ProxyNode node, String typeUrl, String version, long meshVersion) {
    }

    /** The proxy refused a response; it keeps its previous config. */
    default void nacked(ProxyNode node, String typeUrl, String version, String error) {
    }

    /** One listener that calls each of {@code listeners} in order. */
    static XdsListener all(XdsListener... listeners) {
        java.util.List<XdsListener> ls = java.util.List.of(listeners);
        return new XdsListener() {
            @Override
            public void connected(ProxyNode node) {
                ls.forEach(l -> l.connected(node));
            }

            @Override
            public void disconnected(ProxyNode node) {
                ls.forEach(l -> l.disconnected(node));
            }

            @Override
            public void pushed(ProxyNode node, String typeUrl, String version, long meshVersion) {
                ls.forEach(l -> l.pushed(node, typeUrl, version, meshVersion));
            }

            @Override
            public void acked(ProxyNode node, String typeUrl, String version, long meshVersion) {
                ls.forEach(l -> l.acked(node, typeUrl, version, meshVersion));
            }

            @Override
            public void nacked(ProxyNode node, String typeUrl, String version, String error) {
                ls.forEach(l -> l.nacked(node, typeUrl, version, error));
            }
        };
    }
}
