package io.weft.examples;

import io.helidon.webserver.WebServer;
import io.weft.controlplane.ControlPlane;
import io.weft.controlplane.ControlPlaneOptions;
import io.weft.examples.catalog.CatalogApp;
import io.weft.examples.orders.OrdersApp;
import io.weft.examples.payments.PaymentsApp;
import io.weft.examples.users.UsersApp;
import io.weft.sidecar.Sidecar;
import io.weft.sidecar.testing.LocalProxies;
import io.weft.testing.Closer;
import io.weft.testing.Poll;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The demo topology, in one JVM on ephemeral loopback ports: a real control plane (gRPC ADS), the
 * users, users-v2, catalog, catalog-v2, payments and orders apps each behind a real sidecar, and an edge. Every hop is a real
 * socket. Close it to stop everything.
 */
public final class MeshHarness implements AutoCloseable {
    public final Path meshDir;
    /** Replaced by {@link #restartControlPlane}. */
    public volatile ControlPlane controlPlane;
    public final Sidecar users;
    public final Sidecar usersV2;
    public final Sidecar catalog;
    public final Sidecar catalogV2;
    public final Sidecar payments;
    public final Sidecar orders;
    public final Sidecar edge;
    private final Closer closer = new Closer();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private MeshHarness(Path meshDir) throws Exception {
        this.meshDir = meshDir;
        this.controlPlane = closer.register(ControlPlane.start(ControlPlaneOptions.defaults(meshDir).withPorts(0, 0)));
        String cp = "127.0.0.1:" + controlPlane.xdsPort();
        this.users = sidecar("users", app(UsersApp.start(0, "v1")), cp);
        this.usersV2 = sidecar("users-v2", app(UsersApp.start(0, "v2")), cp);
        this.catalog = sidecar("catalog", app(CatalogApp.start(0, "v1")), cp);
        this.catalogV2 = sidecar("catalog-v2", app(CatalogApp.start(0, "v2")), cp);
        this.payments = sidecar("payments", app(PaymentsApp.start(0)), cp);
        AtomicInteger ordersOutbound = new AtomicInteger();
        WebServer ordersApp = OrdersApp.start(0, ordersOutbound::get);
        closer.register(ordersApp::stop);
        this.orders = sidecar("orders", ordersApp.port(), cp);
        ordersOutbound.set(orders.outboundPort());
        this.edge = closer.register(Sidecar.start(LocalProxies.edge(cp)));
        LocalProxies.awaitReady(List.of(users, usersV2, catalog, catalogV2, payments, orders, edge), Duration.ofSeconds(20));
        // A proxy is ready with its first config, which may predate the other proxies' registration:
        // wait until the callers (edge, orders) have endpoints for every service started here.
        for (Sidecar caller : List.of(edge, orders)) {
            awaitEndpoints(caller, List.of("users", "users-v2", "catalog", "catalog-v2", "payments", "orders"));
        }
    }

    private void awaitEndpoints(Sidecar caller, List<String> services) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        String url = "http://127.0.0.1:" + caller.adminPort() + "/clusters";
        Predicate<String> allHaveEndpoints = body -> {
            try {
                var clusters = json.readTree(body);
                return services.stream().allMatch(svc -> !clusters.has(svc) || !clusters.get(svc).path("endpoints").isEmpty());
            } catch (IOException e) {
                return false;
            }
        };
        String last = await(Duration.ofSeconds(20), () -> get(url).body(), allHaveEndpoints);
        if (!allHaveEndpoints.test(last)) {
            throw new IllegalStateException(caller.bootstrap().nodeId() + " has no endpoints for some of " + services + ": " + last);
        }
    }

    /** Stops the control plane (sidecars keep serving with their last config). */
    public void stopControlPlane() {
        controlPlane.close();
    }

    /** Starts a new control plane on the same xDS port; sidecars reconnect to it on their own. */
    public ControlPlane startControlPlane(int xdsPort, Duration warmUp) {
        controlPlane = closer.register(ControlPlane.start(ControlPlaneOptions.defaults(meshDir).withPorts(xdsPort, 0)
                .withWarmUp(warmUp)));
        return controlPlane;
    }

    /** Starts the mesh with the given YAML files written into a fresh directory. */
    public static MeshHarness start(Path tempDir, Map<String, String> yamlFiles) throws Exception {
        Path dir = Files.createDirectories(tempDir.resolve("mesh"));
        for (Map.Entry<String, String> f : yamlFiles.entrySet()) {
            Files.writeString(dir.resolve(f.getKey()), f.getValue());
        }
        return new MeshHarness(dir);
    }

    /** The demo's own mesh YAML, as shipped in examples/mesh. */
    public static String demoMeshYaml() throws IOException {
        return Files.readString(Path.of("mesh/mesh.yaml"));
    }

    private int app(WebServer app) {
        closer.register(app::stop);
        return app.port();
    }

    private Sidecar sidecar(String service, int appPort, String cp) {
        return closer.register(Sidecar.start(LocalProxies.sidecar(service, cp, appPort)));
    }

    public HttpResponse<String> post(String url, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String url, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A GET through a sidecar's outbound port with {@code Host: host}, as an app would call {@code http://host/path}. */
    public HttpResponse<String> viaOutbound(Sidecar from, String host, String path, String... headers)
            throws IOException, InterruptedException {
        StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            req.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", from.outboundPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(req.append("\r\n").toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return RawResponse.read(s.getInputStream());
        }
    }

    /** Polls until the predicate holds or the deadline passes; returns the last response. */
    public static <T> T await(Duration deadline, Poll.Check<T, ?> call, Predicate<T> done) throws Exception {
        return Poll.until(deadline, call, done);
    }

    @Override
    public void close() {
        closer.close();
    }
}
