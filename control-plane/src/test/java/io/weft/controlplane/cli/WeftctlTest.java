package io.weft.controlplane.cli;

import static io.weft.controlplane.xds.AdsTestClient.ack;
import static io.weft.controlplane.xds.AdsTestClient.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.Status;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.weft.controlplane.ControlPlane;
import io.weft.controlplane.ControlPlaneOptions;
import io.weft.controlplane.xds.AdsTestClient;
import io.weft.proto.MeshNames;
import io.weft.testing.Poll;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * weftctl against a real control plane (admin API over HTTP, a proxy on a real ADS stream): what an
 * operator sees of proxies, a dry run, a refused change, an applied change and its convergence.
 */
class WeftctlTest {
    private static final String MESH = """
            services:
              users: {}
              orders: {dependsOn: [users]}
            virtualHosts:
              - name: users
                routes: [{match: {prefix: /v1/}, to: users}, {to: users}]
            """;

    @TempDir
    Path tmp;

    private record Run(int status, String out, String err) {
    }

    private static Run weftctl(ControlPlane cp, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 2];
        all[0] = "--admin";
        all[1] = "http://127.0.0.1:" + cp.adminPort();
        System.arraycopy(args, 0, all, 2, args.length);
        int status = Weftctl.run(all, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Run until(Supplier<Run> call, java.util.function.Predicate<Run> done) throws InterruptedException {
        return Poll.until(Duration.ofSeconds(10), call::get, done);
    }

    @Test
    void operatorSeesProxiesDryRunsAppliesAndWatchesTheRolloutConverge() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("mesh"));
        Files.writeString(dir.resolve("mesh.yaml"), MESH);
        try (ControlPlane cp = ControlPlane.start(ControlPlaneOptions.defaults(dir).withPorts(0, 0))) {
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", cp.xdsPort()).usePlaintext().build();
            try (var orders = AdsTestClient.sotw(ch)) {
                orders.send(request(AdsTestClient.sidecar("orders-1", "orders", 15006), MeshNames.ROUTE_TYPE, "", "",
                        MeshNames.OUTBOUND_LISTENER));
                DiscoveryResponse rds = orders.take();
                orders.send(ack(rds, MeshNames.OUTBOUND_LISTENER));

                Run status = until(() -> weftctl(cp, "proxy-status"), r -> r.out.contains(rds.getVersionInfo().substring(0, 8)));
                assertEquals(0, status.status, status.err);
                assertTrue(status.out.contains("orders-1") && status.out.contains("orders") && status.out.contains("sidecar"),
                        status.out);

                Path change = tmp.resolve("mesh.yaml");
                Files.writeString(change, MESH.replace("prefix: /v1/", "prefix: /v2/"));
                Run diff = weftctl(cp, "config", "diff", change.toString());
                assertEquals(0, diff.status, diff.err);
                assertTrue(diff.out.contains("1 proxy would change:") && diff.out.contains("orders-1 (orders)")
                        && diff.out.contains("RDS modified: weft.outbound"), diff.out);

                Path bad = tmp.resolve("bad").resolve("mesh.yaml");
                Files.createDirectories(bad.getParent());
                Files.writeString(bad, MESH.replace("to: users}, {to: users}", "to: payments}, {to: users}"));
                Run refused = weftctl(cp, "config", "apply", bad.toString());
                assertEquals(1, refused.status);
                assertEquals("refused: mesh.yaml: virtualHosts[0].routes[0].to: \"payments\" (expected: a declared service, "
                        + "one of [users, orders])\n", refused.err);
                assertEquals(MESH, Files.readString(dir.resolve("mesh.yaml")), "nothing was written");

                Run applied = weftctl(cp, "config", "apply", change.toString(), "--author", "alice");
                assertEquals(0, applied.status, applied.err);
                assertTrue(applied.out.matches("applied: mesh version \\d+, pushed to 1 proxies .*\n"), applied.out);
                Run converging = weftctl(cp, "rollouts");
                assertTrue(converging.out.lines().skip(1).findFirst().orElseThrow().contains("converging"), converging.out);
                DiscoveryResponse pushed = orders.take();
                assertTrue(pushed.getResources(0).toString().contains("/v2/"));
                // The proxy refuses it: the NACK and its reason show in proxy-status and in the rollout.
                orders.send(request(null, MeshNames.ROUTE_TYPE, rds.getVersionInfo(), pushed.getNonce(), MeshNames.OUTBOUND_LISTENER)
                        .toBuilder().setErrorDetail(Status.newBuilder().setCode(3).setMessage("prefix /v2/ not allowed")).build());
                Run nacked = until(() -> weftctl(cp, "proxy-status"), r -> r.out.contains("prefix /v2/ not allowed"));
                assertTrue(nacked.out.contains("orders-1 RDS version " + pushed.getVersionInfo().substring(0, 8)
                        + ": prefix /v2/ not allowed"), nacked.out);
                // A fixed change converges, and the rollout says who made it and how long it took.
                Files.writeString(change, MESH.replace("prefix: /v1/", "prefix: /v3/"));
                assertEquals(0, weftctl(cp, "config", "apply", change.toString(), "--author", "alice").status);
                DiscoveryResponse fixed = orders.take();
                orders.send(ack(fixed, MeshNames.OUTBOUND_LISTENER));
                Run rollouts = until(() -> weftctl(cp, "rollouts"), r -> !r.out.lines().skip(1).findFirst().orElseThrow()
                        .contains("converging"));
                String latest = rollouts.out.lines().skip(1).findFirst().orElseThrow();
                assertTrue(latest.matches("\\S+\\s+\\S+\\s+1\\s+1\\s+0\\s+0\\s+0\\s+\\d+ms\\s+config: mesh.yaml by alice"),
                        rollouts.out);
                assertTrue(Files.readString(dir.resolve("mesh.yaml")).contains("/v3/"), "applied to the config store");
            } finally {
                ch.shutdownNow();
            }
        }
    }

    @Test
    void offLoopbackTheAdminPortAsksForTheTokenAndWeftctlSendsIt() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("mesh"));
        Files.writeString(dir.resolve("mesh.yaml"), MESH);
        String token = "weftctl-test-token-0123456789";
        Path tokenFile = Files.writeString(tmp.resolve("token"), token + "\n");
        try (ControlPlane cp = ControlPlane.start(ControlPlaneOptions.defaults(dir).withPorts(0, 0)
                .withAdmin("0.0.0.0", java.util.Optional.of(token)))) {
            Run without = weftctl(cp, "rollouts");
            assertEquals(2, without.status(), without.out());
            assertTrue(without.err().contains("asks for the admin token (none given"), without.err());
            Run with = weftctl(cp, "--token-file", tokenFile.toString(), "config", "get");
            assertEquals(0, with.status(), with.err());
            assertTrue(with.out().contains("orders: {dependsOn: [users]}"), with.out());
        }
    }

    @Test
    void unreachableControlPlaneAndBadUsageExitWithTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(2, Weftctl.run(new String[] {"--admin", "http://127.0.0.1:1", "rollouts"}, System.out, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("cannot reach the control plane's admin API at http://127.0.0.1:1"));
        assertEquals(2, Weftctl.run(new String[] {"frobnicate"}, System.out, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("frobnicate: unknown command"));
    }
}
