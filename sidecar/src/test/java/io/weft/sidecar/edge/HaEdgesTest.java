package io.weft.sidecar.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.proto.MeshNames;
import io.weft.sidecar.testing.Backend;
import io.weft.sidecar.testing.EdgeFixture;
import io.weft.sidecar.testing.EdgeProcess;
import io.weft.sidecar.testing.ProxyFixture;
import io.weft.sidecar.testing.TestControlPlane;
import io.weft.sidecar.testing.Xds;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * High availability: two edges, each its own JVM with the same config from one control plane, behind a
 * real HAProxy (config written here, free loopback ports). Under steady traffic one edge is killed with
 * SIGKILL. The only requests allowed to fail are those in flight at that moment; every request that
 * starts after the kill is answered (HAProxy retries connection failures on the other edge and its
 * health check takes the dead one out).
 */
class HaEdgesTest {
    @TempDir
    Path dir;

    record Outcome(long startNanos, boolean ok, String what) {
    }

    @Test
    void killingOneEdgeUnderTrafficLosesAtMostTheRequestsInFlight() throws Exception {
        try (Backend app = Backend.of("app", (req, res) -> {
            Thread.sleep(5); // keep a few requests in flight at any moment
            res.send("ok");
        }); TestControlPlane xds = new TestControlPlane()) {
            xds.set(EdgeFixture.listener(), Xds.routes(MeshNames.EDGE_LISTENER, Xds.host("public", "*",
                    EdgeFixture.route("all", "/", "app").build())), Xds.edsCluster("app").build(), Xds.endpoints("app", app.port()));
            try (EdgeProcess a = EdgeProcess.start("edge-a", xds.address(), dir.resolve("edge-a.log"));
                 EdgeProcess b = EdgeProcess.start("edge-b", xds.address(), dir.resolve("edge-b.log"))) {
                a.awaitServing("/x");
                b.awaitServing("/x");
                int front = freePort();
                Process haproxy = haproxy(front, a, b);
                try {
                    runTraffic(front, a, haproxy);
                } finally {
                    haproxy.destroy();
                    haproxy.waitFor();
                }
            }
        }
    }

    private void runTraffic(int front, EdgeProcess victim, Process haproxy) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        URI uri = URI.create("http://127.0.0.1:" + front + "/x");
        ProxyFixture.await(() -> status(client, uri), s -> s == 200);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            clients.add(Thread.ofVirtual().start(() -> {
                while (running.get()) {
                    long start = System.nanoTime();
                    inFlight.incrementAndGet();
                    String what;
                    boolean success;
                    try {
                        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        success = r.statusCode() == 200 && r.body().equals("ok");
                        what = r.statusCode() + " " + r.body();
                    } catch (IOException | InterruptedException e) {
                        success = false;
                        what = e.toString();
                    } finally {
                        inFlight.decrementAndGet();
                    }
                    if (success) {
                        ok.incrementAndGet();
                    }
                    outcomes.add(new Outcome(start, success, what));
                }
            }));
        }
        ProxyFixture.await(ok::get, n -> n >= 200);
        int inFlightAtKill = inFlight.get();
        long killedAt = System.nanoTime();
        victim.kill();
        int atKill = ok.get();
        ProxyFixture.await(ok::get, n -> n >= atKill + 300);
        running.set(false);
        for (Thread t : clients) {
            t.join(15_000);
        }
        assertTrue(haproxy.isAlive(), "haproxy kept running");
        List<Outcome> failed = outcomes.stream().filter(o -> !o.ok()).toList();
        List<Outcome> failedAfterKill = failed.stream().filter(o -> o.startNanos() > killedAt).toList();
        System.out.println("HA: " + outcomes.size() + " requests, " + failed.size() + " failed, " + inFlightAtKill
                + " in flight at the kill");
        assertEquals(List.of(), failedAfterKill, "every request that started after the kill was answered");
        assertTrue(failed.size() <= inFlightAtKill, "at most the " + inFlightAtKill + " requests in flight at the kill failed: "
                + failed);
        assertTrue(ok.get() >= atKill + 300, "traffic went on through the surviving edge");
    }

    private Process haproxy(int front, EdgeProcess a, EdgeProcess b) throws Exception {
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, """
                global
                    maxconn 512
                defaults
                    mode http
                    timeout connect 500ms
                    timeout client 10s
                    timeout server 10s
                    retries 3
                    option redispatch 1
                    retry-on conn-failure empty-response response-timeout
                frontend public
                    bind 127.0.0.1:%d
                    default_backend edges
                backend edges
                    balance roundrobin
                    option httpchk
                    http-check send meth GET uri /ready ver HTTP/1.1 hdr Host edge
                    default-server inter 200ms fall 2 rise 2
                    server edge-a 127.0.0.1:%d check port %d
                    server edge-b 127.0.0.1:%d check port %d
                """.formatted(front, a.port(), a.adminPort(), b.port(), b.adminPort()));
        Process p = new ProcessBuilder("haproxy", "-db", "-f", cfg.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        java.time.Instant end = java.time.Instant.now().plusSeconds(10);
        while (true) {
            try (Socket ignored = new Socket("127.0.0.1", front)) {
                return p;
            } catch (IOException e) {
                if (java.time.Instant.now().isAfter(end) || !p.isAlive()) {
                    throw new IllegalStateException("haproxy did not listen on " + front + ": "
                            + Files.readString(dir.resolve("haproxy.log")));
                }
                Thread.sleep(20);
            }
        }
    }

    private static int status(HttpClient client, URI uri) {
        try {
            return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
