package io.weft.controlplane.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.controlplane.model.MeshConfig;
import io.weft.proto.DescriptorPool;
import io.weft.proto.EdgeFilterNames;
import io.weft.proto.v1.EdgeTranscode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An edge route's {@code transcode:} section, checked against the descriptors compiled from proto/. */
class EdgeTranscodeConfigTest {
    static final String MESH = """
            services:
              users: {}
              recommendations: {protocol: grpc}
            edge:
              virtualHosts:
                - name: public
                  domains: ["*"]
                  routes:
                    - name: recs
                      match: {prefix: /api/recommendations/}
            """;

    static MeshConfig parse(String route) {
        return MeshConfigLoader.parse(Map.of("mesh.yaml", MESH + route.indent(10)));
    }

    static String error(String route) {
        return assertThrows(ConfigException.class, () -> parse(route)).getMessage();
    }

    @Test
    void theMethodItsDescriptorsAndTheRouteTimeoutReachTheEdge() {
        MeshConfig c = parse("""
                to: recommendations
                timeout: 2s
                transcode: {method: shop.v1.Recommendations/Recommend, path: "/api/recommendations/{user_id}"}
                """);
        EdgeTranscode t = (EdgeTranscode) c.edgeHosts().get(0).routes().get(0).filters().get(EdgeFilterNames.TRANSCODE);
        assertEquals("shop.v1.Recommendations/Recommend", t.getMethod());
        assertEquals("recommendations", t.getCluster());
        assertEquals("/api/recommendations/{user_id}", t.getPathTemplate());
        assertEquals(2, t.getTimeout().getSeconds());
        assertEquals(List.of("shop/v1/recommendations.proto"), t.getDescriptors().getFileList().stream().map(f -> f.getName()).toList());
        assertTrue(DescriptorPool.of(List.of(t.getDescriptors())).method(t.getMethod()).isPresent(), "the edge can build it");
    }

    @Test
    void mistakesAreRefusedWithTheirField() {
        assertEquals("mesh.yaml: edge.virtualHosts[0].routes[0].transcode.method: \"shop.v1.Recommendations/Nope\" (expected: "
                + "a gRPC method as package.Service/Method, declared in proto/ or edge.descriptorSets)", error("""
                to: recommendations
                transcode: {method: shop.v1.Recommendations/Nope}
                """));
        assertEquals("mesh.yaml: edge.virtualHosts[0].routes[0].transcode.method: a streaming method (expected: a unary method)",
                error("""
                to: recommendations
                transcode: {method: shop.v1.Recommendations/StreamRecommendations}
                """));
        assertEquals("mesh.yaml: edge.virtualHosts[0].routes[0].transcode.path: {userId} (expected: a singular scalar field of "
                + "shop.v1.RecommendRequest, one of [user_id, limit])", error("""
                to: recommendations
                transcode: {method: shop.v1.Recommendations/Recommend, path: "/r/{userId}"}
                """));
        assertEquals("mesh.yaml: edge.virtualHosts[0].routes[0].transcode: transcoding to users (expected: a route \"to\" a "
                + "service declared with protocol: grpc)", error("""
                to: users
                transcode: {method: shop.v1.Recommendations/Recommend}
                """));
    }
}
