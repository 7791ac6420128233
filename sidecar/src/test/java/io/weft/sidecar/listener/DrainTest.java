package io.weft.sidecar.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.controlplane.ControlPlane;
import io.weft.controlplane.ControlPlaneOptions;
import io.weft.sidecar.Sidecar;
import io.weft.sidecar.bootstrap.Bootstrap;
import io.weft.sidecar.testing.Backend;
import io.weft.sidecar.testing.ProxyFixture;
import io.weft.sidecar.testing.RawHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Graceful shutdown: inbound drains first, outbound keeps working, and a rolling restart loses nothing. */
class DrainTest {
    @TempDir
    Path tmp;

    private static final String MESH = """
            services:
              app: {}
              client: {dependsOn: [app]}
            virtualHosts:
              - name: app
                domains: [app]
                routes: [{to: app}]
            """;

    private ControlPlane controlPlane() throws Exception {
        Files.writeString(tmp.resolve("mesh.yaml"), MESH);
        return ControlPlane.start(new ControlPlaneOptions(java.util.Optional.of(tmp), "127.0.0.1", 0, 0, Duration.ofMillis(200),
                Duration.ofMillis(20), Duration.ZERO, java.util.Optional.empty()));
    }

    private static Sidecar sidecar(ControlPlane cp, String service, String node, int appPort) {
        return sidecar(cp, service, node, appPort, Duration.ofMillis(1500));
    }

    private static Sidecar sidecar(ControlPlane cp, String service, String node, int appPort, Duration outboundGrace) {
        return Sidecar.start(new Bootstrap(Bootstrap.Mode.SIDECAR, node, service, "default", "127.0.0.1:" + cp.xdsPort(),
                "127.0.0.1", 0, 0, appPort, 0, 0, Map.of()).withShutdown(Duration.ofSeconds(5), outboundGrace));
    }

    private static int status(HttpClient http, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void shutdownDrainsInboundFirstAndKeepsOutboundForTheApp() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ControlPlane cp = controlPlane();
             Backend app = Backend.echo("app");
             Backend clientApp = Backend.of("client-app", (req, res) -> {
                 if (req.path().rawPath().equals("/slow")) {
                     inside.countDown();
                     release.await(10, TimeUnit.SECONDS);
                 }
                 res.send("client-app");
             })) {
            Sidecar appSide = sidecar(cp, "app", "app-1", app.port());
            Sidecar clientSide = sidecar(cp, "client", "client-1", clientApp.port(), Duration.ofSeconds(6));
            try {
                assertTrue(appSide.awaitReady(Duration.ofSeconds(20)) && clientSide.awaitReady(Duration.ofSeconds(20)));
                ProxyFixture.await(() -> RawHttp.get(clientSide.outboundPort(), "app", "/"), r -> r.status() == 200);
                int inbound = clientSide.inboundPort();
                int outbound = clientSide.outboundPort();
                int admin = clientSide.adminPort();
                HttpClient http = HttpClient.newHttpClient();
                // a request in flight on the client's inbound when shutdown begins
                Thread slow = Thread.ofVirtual().start(() -> {
                    try {
                        RawHttp.Response r = RawHttp.get(inbound, "client", "/slow");
                        assertEquals(200, r.status());
                        assertEquals("close", r.header("connection").orElse(""), "a draining proxy asks callers to reconnect");
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
                assertTrue(inside.await(10, TimeUnit.SECONDS));
                Thread stopping = Thread.ofVirtual().start(clientSide::shutdown);
                assertEquals(503, ProxyFixture.await(() -> status(http, admin, "/ready"), s -> s == 503));
                // the app's own outbound calls keep working while inbound drains
                assertEquals(200, RawHttp.get(outbound, "app", "/").status());
                release.countDown();
                slow.join(10_000);
                // once inbound is quiet it refuses new requests with DR, while outbound keeps working for the grace
                RawHttp.Response refused = ProxyFixture.await(() -> RawHttp.get(inbound, "client", "/"),
                        r -> r.flags().equals("DR"));
                assertEquals(503, refused.status());
                assertEquals(200, RawHttp.get(outbound, "app", "/").status(), "outbound outlives inbound");
                stopping.join(10_000);
                assertTrue(!stopping.isAlive(), "shutdown finished within drain time + grace");
            } finally {
                release.countDown();
                appSide.close();
                clientSide.close();
            }
        }
    }

    @Test
    void aRollingRestartUnderLoadLosesNoRequest() throws Exception {
        try (ControlPlane cp = controlPlane(); Backend a = Backend.echo("a"); Backend b = Backend.echo("b");
             Backend a2 = Backend.echo("a2")) {
            Sidecar sa = sidecar(cp, "app", "app-a", a.port());
            Sidecar sb = sidecar(cp, "app", "app-b", b.port());
            Sidecar client = sidecar(cp, "client", "client-1", 1);
            List<Sidecar> all = new ArrayList<>(List.of(sa, sb, client));
            try {
                for (Sidecar s : all) {
                    assertTrue(s.awaitReady(Duration.ofSeconds(20)));
                }
                ProxyFixture.await(() -> {
                    RawHttp.Response r1 = RawHttp.get(client.outboundPort(), "app", "/");
                    RawHttp.Response r2 = RawHttp.get(client.outboundPort(), "app", "/");
                    return r1.status() == 200 && r2.status() == 200 && !r1.header("x-backend").equals(r2.header("x-backend"));
                }, ok -> ok);
                AtomicBoolean running = new AtomicBoolean(true);
                Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
                List<Thread> load = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    load.add(Thread.ofVirtual().start(() -> {
                        while (running.get()) {
                            String key;
                            try {
                                RawHttp.Response r = RawHttp.get(client.outboundPort(), "app", "/");
                                key = r.status() == 200 ? r.header("x-backend").orElse("?") : r.status() + " " + r.flags() + " " + r.body();
                            } catch (Exception e) {
                                key = "exception " + e;
                            }
                            outcomes.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                        }
                    }));
                }
                ProxyFixture.await(() -> outcomes.values().stream().mapToInt(AtomicInteger::get).sum(), n -> n > 100);
                // restart a's sidecar: drain the old one while the new one joins
                Thread drain = Thread.ofVirtual().start(sa::shutdown);
                Sidecar sa2 = sidecar(cp, "app", "app-a2", a2.port());
                all.add(sa2);
                assertTrue(sa2.awaitReady(Duration.ofSeconds(20)));
                drain.join(20_000);
                ProxyFixture.await(() -> outcomes.getOrDefault("a2", new AtomicInteger()).get(), n -> n > 50);
                running.set(false);
                for (Thread t : load) {
                    t.join(10_000);
                }
                Map<String, Integer> seen = new java.util.TreeMap<>();
                outcomes.forEach((k, v) -> seen.put(k, v.get()));
                assertTrue(java.util.Set.of("a", "a2", "b").containsAll(seen.keySet()), "every request was answered by an app: " + seen);
                assertTrue(seen.getOrDefault("a2", 0) > 50 && seen.getOrDefault("b", 0) > 0, "traffic moved to the new instance: " + seen);
            } finally {
                all.forEach(Sidecar::close);
            }
        }
    }
}
