package io.weft.controlplane.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.controlplane.ControlPlane;
import io.weft.controlplane.ControlPlaneOptions;
import io.weft.controlplane.model.Endpoint;
import io.weft.testing.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kiwiproject.consul.Consul;

/**
 * Consul discovery and the Consul KV config store, against {@link ConsulStandIn} (an HTTP stand-in
 * for the documented Consul API; no Consul server runs on the build machines), through the real
 * Consul client library over real HTTP on loopback.
 */
class ConsulDiscoveryTest {
    @TempDir
    Path tmp;

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Poll.await(what, Duration.ofSeconds(15), condition);
    }

    private static List<String> addresses(ControlPlane cp, String service) {
        return cp.xds().state().endpoints(service).stream().map(e -> e.address() + ":" + e.port()).toList();
    }

    @Test
    void onlyPassingInstancesBecomeEndpointsAndChangesArriveThroughBlockingQueries() throws Exception {
        try (ConsulStandIn consul = new ConsulStandIn()) {
            consul.register(new ConsulStandIn.Instance("users-1", "users", "10.0.0.1", 8080, Map.of("version", "v1"), true));
            consul.register(new ConsulStandIn.Instance("users-2", "users", "10.0.0.2", 8080, Map.of(), false));
            Path dir = Files.createDirectories(tmp.resolve("mesh"));
            Files.writeString(dir.resolve("mesh.yaml"), "services: {users: {}, orders: {dependsOn: [users]}}\n");
            ControlPlaneOptions options = ControlPlaneOptions.defaults(dir).withPorts(0, 0)
                    .withConsul(new ControlPlaneOptions.Consul(consul.uri(), Optional.empty(), Duration.ofSeconds(5)));
            try (ControlPlane cp = ControlPlane.start(options)) {
                await("the passing instance", () -> addresses(cp, "users").equals(List.of("10.0.0.1:8080")));
                assertEquals(Map.of("version", "v1"), cp.xds().state().endpoints("users").get(0).labels(),
                        "Consul service Meta becomes endpoint labels");
                consul.register(new ConsulStandIn.Instance("users-3", "users", "10.0.0.3", 8081, Map.of(), true));
                await("the new instance", () -> addresses(cp, "users").equals(List.of("10.0.0.1:8080", "10.0.0.3:8081")));
                consul.deregister("users-1");
                await("the removal", () -> addresses(cp, "users").equals(List.of("10.0.0.3:8081")));
                assertTrue(consul.requests.stream().anyMatch(r -> r.startsWith("GET /v1/health/service/users?")
                        && r.contains("passing=true") && r.matches(".*index=[1-9].*") && r.contains("wait=5s")),
                        "blocking health queries with the last X-Consul-Index: " + consul.requests);
            }
        }
    }

    @Test
    void whenConsulIsUnreachableTheLastKnownEndpointsStayAndUpdatesResumeWhenItIsBack() throws Exception {
        try (ConsulStandIn consul = new ConsulStandIn()) {
            consul.register(new ConsulStandIn.Instance("users-1", "users", "10.0.0.1", 8080, Map.of(), true));
            Consul client = ConsulClients.create(consul.uri(), Duration.ofSeconds(1));
            try (ConsulCatalog catalog = new ConsulCatalog(client, Duration.ofSeconds(1))) {
                catalog.watch(java.util.Set.of("users"));
                await("first endpoints", () -> catalog.endpoints().getOrDefault("users", List.of()).size() == 1);
                List<Endpoint> known = catalog.endpoints().get("users");
                consul.stop();
                await("the failure to be noticed", () -> catalog.errors().containsKey("users"));
                assertEquals(known, catalog.endpoints().get("users"), "last known endpoints stay in force");
                consul.register(new ConsulStandIn.Instance("users-2", "users", "10.0.0.2", 8080, Map.of(), true));
                consul.restart();
                await("recovery", () -> catalog.endpoints().get("users").size() == 2);
                assertTrue(catalog.errors().isEmpty());
            } finally {
                client.destroy();
            }
        }
    }

    @Test
    void twoControlPlanesShareOneConfigInConsulKv() throws Exception {
        try (ConsulStandIn consul = new ConsulStandIn()) {
            Path dir = Files.createDirectories(tmp.resolve("seed"));
            Files.writeString(dir.resolve("mesh.yaml"), "services: {users: {}, orders: {dependsOn: [users]}}\n");
            ControlPlaneOptions.Consul kv = new ControlPlaneOptions.Consul(consul.uri(), Optional.of("weft/mesh"),
                    Duration.ofSeconds(5));
            try (ControlPlane a = ControlPlane.start(ControlPlaneOptions.defaults(dir).withPorts(0, 0).withConsul(kv));
                 ControlPlane b = ControlPlane.start(new ControlPlaneOptions(Optional.empty(), "127.0.0.1", 0, 0,
                         Duration.ofSeconds(1), Duration.ofMillis(20), Duration.ZERO, Optional.of(kv)))) {
                assertTrue(consul.getKv("weft/mesh/mesh.yaml").contains("users"), "the first replica seeded KV");
                assertEquals(a.config(), b.config());
                var result = a.changes().apply(Map.of("billing.yaml", Optional.of("services: {billing: {}}\n")), "alice");
                assertTrue(result.valid(), result.toString());
                await("replica b to follow", () -> b.config().services().containsKey("billing"));
                // An invalid change is refused by the replica that receives it, and nothing is written.
                var refused = b.changes().apply(Map.of("bad.yaml", Optional.of("services: {Bad: {}}\n")), "bob");
                assertEquals(false, refused.valid());
                assertTrue(refused.error().orElseThrow().startsWith("bad.yaml: services.Bad:"), refused.error().orElseThrow());
                assertEquals(null, consul.getKv("weft/mesh/bad.yaml"));
            }
        }
    }
}
