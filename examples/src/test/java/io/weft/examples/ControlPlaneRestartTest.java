package io.weft.examples;

import static io.weft.testing.Poll.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.controlplane.ControlPlane;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restarting the control plane under traffic: the sidecars keep serving with their last config while
 * it is down, reconnect with backoff, resync (endpoints are held back while the new control plane
 * warms up, so no cluster is emptied by sidecars that have not re-registered yet), and follow the
 * next config change. No request fails.
 */
class ControlPlaneRestartTest {
    @TempDir
    Path tmp;

    @Test
    void noRequestFailsWhileTheControlPlaneRestartsAndTheMeshResyncs() throws Exception {
        try (MeshHarness mesh = MeshHarness.start(tmp, Map.of("mesh.yaml", MeshHarness.demoMeshYaml()))) {
            String url = "http://127.0.0.1:" + mesh.edge.edgePort() + "/orders/7";
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger ok = new AtomicInteger();
            List<String> failures = new CopyOnWriteArrayList<>();
            Thread traffic = Thread.ofVirtual().start(() -> {
                // Bounded: at most 20,000 requests or until told to stop.
                for (int i = 0; i < 20_000 && running.get(); i++) {
                    try {
                        HttpResponse<String> r = mesh.get(url);
                        if (r.statusCode() == 200 && r.body().contains("Grace")) {
                            ok.incrementAndGet();
                        } else {
                            failures.add(r.statusCode() + " " + r.headers().firstValue("x-weft-response-flags").orElse("") + " "
                                    + r.body());
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            });
            await("traffic flowing", Duration.ofSeconds(20), () -> ok.get() >= 20);

            int proxies = mesh.controlPlane.xds().status().size();
            int servicesWithEndpoints = mesh.controlPlane.xds().state().endpoints().size();
            int xdsPort = mesh.controlPlane.xdsPort();
            mesh.stopControlPlane();
            int atStop = ok.get();
            await("requests served while the control plane is down", Duration.ofSeconds(20), () -> ok.get() >= atStop + 50);

            ControlPlane cp = mesh.startControlPlane(xdsPort, Duration.ofSeconds(15));
            await("all " + proxies + " proxies reconnected", Duration.ofSeconds(30), () -> cp.xds().status().size() == proxies);
            await("every sidecar re-registered", Duration.ofSeconds(30),
                    () -> cp.xds().state().endpoints().size() == servicesWithEndpoints);
            int atReconnect = ok.get();
            await("requests served after the restart", Duration.ofSeconds(20), () -> ok.get() >= atReconnect + 50);

            // Resynced: a config change made on the new control plane reaches the sidecars.
            Files.writeString(mesh.meshDir.resolve("mesh.yaml"), MeshHarness.demoMeshYaml()
                    .replace("match: {prefix: /v2/users/}", "match: {prefix: /preview/users/}"));
            cp.reloadConfig();
            HttpResponse<String> moved = MeshHarness.await(Duration.ofSeconds(20),
                    () -> mesh.viaOutbound(mesh.orders, "users", "/preview/users/1"), r -> r.statusCode() == 200);
            assertEquals(200, moved.statusCode(), moved.body());
            assertTrue(moved.body().contains("\"version\":\"v2\""), moved.body());

            running.set(false);
            traffic.join(Duration.ofSeconds(30));
            assertEquals(List.of(), failures, "no request failed; " + ok.get() + " succeeded");
            assertTrue(ok.get() > 150, "traffic really flowed: " + ok.get());
        }
    }
}
