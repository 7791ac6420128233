package io.weft.controlplane.xds;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.weft.controlplane.model.ProxyNode;
import io.weft.proto.MeshNames;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a {@link ProxyNode} from an xDS {@code Node}. A node without Weft metadata is a proxyless
 * client (grpc-java, Envoy) and gets only what it asks for by name.
 */
final class NodeParser {
    private NodeParser() {
    }

    /**
     * @param fallbackAddress the peer's IP, used when the node does not announce an address
     * @throws IllegalArgumentException with a message naming the field, for metadata that is present but wrong
     */
    static ProxyNode parse(Node node, String fallbackAddress) {
        Struct md = node.getMetadata();
        String id = node.getId().isEmpty() ? "anonymous@" + fallbackAddress : node.getId();
        String modeText = str(md, MeshNames.META_MODE, "");
        ProxyNode.Mode mode = switch (modeText.toLowerCase(Locale.ROOT)) {
            case "sidecar" -> ProxyNode.Mode.SIDECAR;
            case "edge" -> ProxyNode.Mode.EDGE;
            case "" -> ProxyNode.Mode.PROXYLESS;
            default -> throw new IllegalArgumentException("node.metadata." + MeshNames.META_MODE + ": \"" + modeText
                    + "\" (expected: sidecar or edge)");
        };
        String service = str(md, MeshNames.META_SERVICE, node.getCluster());
        if (mode == ProxyNode.Mode.SIDECAR && service.isEmpty()) {
            throw new IllegalArgumentException("node.metadata." + MeshNames.META_SERVICE + ": missing (expected: the service name)");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        Value lv = md.getFieldsMap().get(MeshNames.META_LABELS);
        if (lv != null && lv.hasStructValue()) {
            lv.getStructValue().getFieldsMap().forEach((k, v) -> labels.put(k, v.getStringValue()));
        }
        return new ProxyNode(id, node.getCluster(), mode, service,
                str(md, MeshNames.META_NAMESPACE, "default"),
                str(md, MeshNames.META_ADDRESS, fallbackAddress),
                port(md, MeshNames.META_INBOUND_PORT), port(md, MeshNames.META_OUTBOUND_PORT),
                port(md, MeshNames.META_APP_PORT), port(md, MeshNames.META_EDGE_PORT), labels);
    }

    private static String str(Struct md, String key, String dflt) {
        Value v = md.getFieldsMap().get(key);
        return v == null || v.getStringValue().isEmpty() ? dflt : v.getStringValue();
    }

    private static int port(Struct md, String key) {
        Value v = md.getFieldsMap().get(key);
        if (v == null) {
            return 0;
        }
        double d = v.hasNumberValue() ? v.getNumberValue() : parse(key, v.getStringValue());
        if (d < 0 || d > 65535 || d != Math.rint(d)) {
            throw new IllegalArgumentException("node.metadata." + key + ": " + d + " (expected: a port from 0 to 65535)");
        }
        return (int) d;
    }

    private static double parse(String key, String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("node.metadata." + key + ": \"" + s + "\" (expected: a port number)");
        }
    }
}
