package io.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The walking skeleton, end to end: real control plane, real sidecars, real apps, real sockets. */
class MeshEndToEndTest {
    @TempDir
    Path tmp;

    @Test
    void requestThroughEdgeReachesOrdersWhichReachesUsersThroughTwoSidecars() throws Exception {
        try (MeshHarness mesh = MeshHarness.start(tmp, Map.of("mesh.yaml", MeshHarness.demoMeshYaml()))) {
            HttpResponse<String> r = mesh.get("http://127.0.0.1:" + mesh.edge.edgePort() + "/orders/7");
            assertEquals(200, r.statusCode(), r.body());
            // orders answered, and the user inside came from the users app through orders' sidecar and users' sidecar
            assertTrue(r.body().contains("\"order\":\"7\""), r.body());
            assertTrue(r.body().contains("\"name\":\"Grace\"") && r.body().contains("\"version\":\"v1\""), r.body());
            assertTrue(r.body().contains("\"item\":{\"id\":\"b2\""), "catalog reached through the mesh too: " + r.body());
            // the edge stamped a request id and forwarded it all the way to orders
            HttpResponse<String> direct = mesh.viaOutbound(mesh.orders, "users", "/users/42");
            assertEquals(200, direct.statusCode(), direct.body());
            assertTrue(direct.body().contains("Barbara"), direct.body());
        }
    }

    @Test
    void theHomePageIsComposedAtTheEdgeFromUsersAndCatalogAndAMissingUserIsReportedNotFatal() throws Exception {
        try (MeshHarness mesh = MeshHarness.start(tmp, Map.of("mesh.yaml", MeshHarness.demoMeshYaml()))) {
            String home = "http://127.0.0.1:" + mesh.edge.edgePort() + "/api/home";
            HttpResponse<String> r = mesh.get(home + "?user=1");
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().startsWith("{\"user\":{\"id\":\"1\",\"name\":\"Ada\""), r.body());
            assertTrue(r.body().contains("\"catalog\":{\"items\":[{\"id\":\"b1\""), r.body());
            assertTrue(!r.body().contains("\"errors\""), r.body());
            HttpResponse<String> missing = mesh.get(home + "?user=999");
            assertEquals(200, missing.statusCode(), missing.body());
            assertTrue(missing.body().contains("\"errors\":{\"user\":{\"status\":502,\"detail\":\"users answered 404\"}}"),
                    missing.body());
            assertTrue(missing.body().contains("\"catalog\":{\"items\""), missing.body());
            HttpResponse<String> noUser = mesh.get(home);
            assertEquals(400, noUser.statusCode(), noUser.body());
            assertEquals("application/problem+json", noUser.headers().firstValue("content-type").orElseThrow());
        }
    }

    @Test
    void headerMatchSendsCanaryTrafficToCatalogV2AndTheSplitSendsSome() throws Exception {
        try (MeshHarness mesh = MeshHarness.start(tmp, Map.of("mesh.yaml", MeshHarness.demoMeshYaml()))) {
            HttpResponse<String> canary = mesh.viaOutbound(mesh.orders, "catalog", "/catalog/items/b1", "x-canary", "1");
            assertEquals(200, canary.statusCode(), canary.body());
            assertTrue(canary.body().contains("\"version\":\"v2\"") && canary.body().contains("\"rating\""), canary.body());
            int v2 = 0;
            for (int i = 0; i < 200; i++) {
                if (mesh.viaOutbound(mesh.orders, "catalog", "/catalog/items/b1").body().contains("\"version\":\"v2\"")) {
                    v2++;
                }
            }
            // 10% of 200 is 20; the chance of falling outside 3..50 by luck is below one in a million
            assertTrue(v2 >= 3 && v2 <= 50, "v2 answered " + v2 + " of 200 requests under a 90/10 split");
        }
    }

    @Test
    void anOrderIsPaidThroughThePaymentsService() throws Exception {
        try (MeshHarness mesh = MeshHarness.start(tmp, Map.of("mesh.yaml", MeshHarness.demoMeshYaml()))) {
            HttpResponse<String> r = mesh.post("http://127.0.0.1:" + mesh.edge.edgePort() + "/orders/7/pay", "{}");
            assertEquals(201, r.statusCode(), r.body());
            assertTrue(r.body().contains("\"orderId\":\"7\"") && r.body().contains("\"status\":\"captured\""), r.body());
        }
    }

    @Test
    void unknownPathAtTheEdgeIs404WithNoRouteFlag() throws Exception {
        try (MeshHarness mesh = MeshHarness.start(tmp, Map.of("mesh.yaml", MeshHarness.demoMeshYaml()))) {
            HttpResponse<String> r = mesh.get("http://127.0.0.1:" + mesh.edge.edgePort() + "/nothing-here");
            assertEquals(404, r.statusCode());
            assertEquals("NR", r.headers().firstValue("x-weft-response-flags").orElse(""));
        }
    }

    @Test
    void routeChangeInYamlTakesEffectWithoutRestartingAnySidecar() throws Exception {
        String before = """
                services:
                  users: {}
                  users-v2: {}
                  catalog: {}
                  catalog-v2: {}
                  payments: {}
                  orders: {dependsOn: [users]}
                edge:
                  virtualHosts:
                    - name: public
                      domains: ["*"]
                      routes: [{match: {prefix: /orders/}, to: orders}]
                """;
        try (MeshHarness mesh = MeshHarness.start(tmp, Map.of("mesh.yaml", before))) {
            int portBefore = mesh.orders.outboundPort();
            HttpResponse<String> old = mesh.viaOutbound(mesh.orders, "users", "/v2/users/1");
            assertEquals(404, old.statusCode(), "users v1 has no /v2 path: " + old.body());
            assertTrue(old.body().contains("\"version\":\"v1\""), old.body());

            String after = before.replace("  orders: {dependsOn: [users]}\n", """
                      orders: {dependsOn: [users]}
                    virtualHosts:
                      - name: users
                        domains: [users]
                        routes:
                          - {match: {prefix: /v2/users/}, to: users-v2, prefixRewrite: /users/}
                          - {to: users}
                    """);
            Files.writeString(mesh.meshDir.resolve("mesh.yaml"), after);

            HttpResponse<String> now = MeshHarness.await(Duration.ofSeconds(15),
                    () -> mesh.viaOutbound(mesh.orders, "users", "/v2/users/1"), r -> r.statusCode() == 200);
            assertEquals(200, now.statusCode(), now.body());
            assertTrue(now.body().contains("\"version\":\"v2\""), now.body());
            // the plain path still goes to v1, and the same sidecar process served both
            assertTrue(mesh.viaOutbound(mesh.orders, "users", "/users/1").body().contains("\"version\":\"v1\""));
            assertEquals(portBefore, mesh.orders.outboundPort());
        }
    }

    @Test
    void invalidYamlChangeIsRefusedAndThePreviousRoutesKeepServing() throws Exception {
        try (MeshHarness mesh = MeshHarness.start(tmp, Map.of("mesh.yaml", MeshHarness.demoMeshYaml()))) {
            Files.writeString(mesh.meshDir.resolve("mesh.yaml"), MeshHarness.demoMeshYaml()
                    .replace("to: users-v2", "to: users-v3"));
            String error = MeshHarness.await(Duration.ofSeconds(10),
                    () -> mesh.controlPlane.reloadConfig().orElse(""), e -> !e.isEmpty());
            assertTrue(error.contains("mesh.yaml") && error.contains("virtualHosts[0].routes[0].to")
                    && error.contains("\"users-v3\""), error);
            HttpResponse<String> r = mesh.viaOutbound(mesh.orders, "users", "/v2/users/1");
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("\"version\":\"v2\""), r.body());
        }
    }
}
