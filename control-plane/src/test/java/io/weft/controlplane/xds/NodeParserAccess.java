package io.weft.controlplane.xds;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.weft.controlplane.model.ProxyNode;

/** Test access to the package-private node parser. */
final class NodeParserAccess {
    private NodeParserAccess() {
    }

    static ProxyNode parse(Node node) {
        return NodeParser.parse(node, "127.0.0.1");
    }
}
