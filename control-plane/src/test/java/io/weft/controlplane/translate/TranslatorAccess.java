package io.weft.controlplane.translate;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.weft.controlplane.model.ProxyNode;

/** Test access to package-private translator parts. */
public final class TranslatorAccess {
    private TranslatorAccess() {
    }

    public static Cluster inbound(ProxyNode node) {
        return ClusterTranslator.inbound(node);
    }
}
