package io.weft.examples.demo;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The local demo: starts the whole mesh on loopback as separate processes — the control plane, the
 * example shop's services (users, catalog, payments, orders and two canaries) each with its sidecar,
 * and an edge gateway — waits
 * until each is ready, prints what runs where and what to try, and stops everything on Ctrl-C.
 */
public final class Demo {
    private static final String CP_MAIN = "io.weft.controlplane.Main";
    private static final String SIDECAR_MAIN = "io.weft.sidecar.Main";

    private final Path mesh;
    private final Path logs;
    private final int edgePort;
    private final List<Process> processes = new ArrayList<>();
    private final Map<String, String> table = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private Demo(Path mesh, Path logs, int edgePort) {
        this.mesh = mesh;
        this.logs = logs;
        this.edgePort = edgePort;
    }

    public static void main(String[] args) throws Exception {
        Path mesh = Path.of("examples/mesh");
        Path logs = Path.of("target/demo-logs");
        int edgePort = 8080;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--mesh" -> mesh = Path.of(args[i + 1]);
                case "--logs" -> logs = Path.of(args[i + 1]);
                case "--edge-port" -> edgePort = Integer.parseInt(args[i + 1]);
                default -> {
                    System.err.println("demo: " + args[i] + ": unknown flag (expected: --mesh DIR, --logs DIR, --edge-port N)");
                    System.exit(2);
                }
            }
        }
        if (!Files.isDirectory(mesh)) {
            System.err.println("demo: --mesh " + mesh.toAbsolutePath() + ": not a directory (expected: the mesh YAML directory)");
            System.exit(2);
        }
        Files.createDirectories(logs);
        Demo demo = new Demo(mesh, logs, edgePort);
        Runtime.getRuntime().addShutdownHook(new Thread(demo::stop, "demo-stop"));
        try {
            demo.run();
        } catch (IllegalStateException e) {
            System.err.println("demo: " + e.getMessage());
            System.exit(1);
        }
        Thread.currentThread().join(); // until Ctrl-C
    }

    private void run() throws Exception {
        int xds = freePort();
        int cpAdmin = freePort();
        int secure = freePort();
        String cp = "127.0.0.1:" + xds;
        // The launcher holds the join-token key next to the CA's state and hands each sidecar its token.
        Path caDir = logs.resolve("ca");
        String trustDomain = io.weft.controlplane.config.MeshConfigLoader.load(mesh).trustDomain();
        tokens = io.weft.controlplane.ca.JoinTokens.fromFile(caDir.resolve("join-token.key"), trustDomain,
                java.time.Clock.systemUTC());
        start(new Child("control-plane", CP_MAIN, List.of("--mesh", mesh.toString(), "--xds-port", "" + xds,
                "--admin-port", "" + cpAdmin, "--ca-dir", caDir.toString(), "--secure-port", "" + secure), log("control-plane")));
        awaitHttp("control plane", "http://127.0.0.1:" + cpAdmin + "/api/v1/proxies");
        security = List.of("--ca-address", "127.0.0.1:" + secure, "--trust-bundle", caDir.resolve("root-cert.pem").toString(),
                "--trust-domain", trustDomain);
        table.put("control plane", "xDS 127.0.0.1:" + xds + ", admin http://127.0.0.1:" + cpAdmin + "/api/v1/proxies");
        table.put("CA", "root " + caDir.resolve("root-cert.pem").toAbsolutePath() + ", mTLS port 127.0.0.1:" + secure);
        table.put("dashboard", "http://127.0.0.1:" + cpAdmin + "/ui/");

        List<Integer> sidecarAdmins = new ArrayList<>();
        String[][] apps = {
                {"users", "io.weft.examples.users.UsersApp", "v1"},
                {"users-v2", "io.weft.examples.users.UsersApp", "v2"},
                {"catalog", "io.weft.examples.catalog.CatalogApp", "v1"},
                {"catalog-v2", "io.weft.examples.catalog.CatalogApp", "v2"},
                {"payments", "io.weft.examples.payments.PaymentsApp", "v1"},
                {"orders", "io.weft.examples.orders.OrdersApp", "v1"}};
        for (String[] svc : apps) {
            int app = freePort();
            int outbound = freePort();
            start(new Child(svc[0], svc[1], List.of("--port", "" + app, "--version", svc[2], "--outbound-port", "" + outbound),
                    log(svc[0])));
            sidecarAdmins.add(sidecar(svc[0], app, cp, svc[2], "--outbound-port", "" + outbound));
        }

        int edgeAdmin = freePort();
        List<String> edgeArgs = new ArrayList<>(List.of("edge", "--service", "edge", "--node", "edge-1",
                "--control-plane", cp, "--edge-port", "" + edgePort, "--admin-port", "" + edgeAdmin));
        edgeArgs.addAll(security);
        edgeArgs.addAll(List.of("--join-token", tokens.mint("default", "edge", java.time.Duration.ofHours(1))));
        start(new Child("edge", SIDECAR_MAIN, edgeArgs, log("edge")));
        for (int admin : sidecarAdmins) {
            awaitHttp("sidecar", "http://127.0.0.1:" + admin + "/ready");
        }
        awaitHttp("edge", "http://127.0.0.1:" + edgeAdmin + "/ready");
        awaitHttp("orders through the edge", "http://127.0.0.1:" + edgePort + "/orders/1");
        table.put("edge", "http://127.0.0.1:" + edgePort + " (admin http://127.0.0.1:" + edgeAdmin + "/config_dump)");
        table.put("logs", logs.toAbsolutePath().toString());

        System.out.println();
        System.out.println("Weft demo mesh is up.");
        table.forEach((k, v) -> System.out.printf("  %-16s %s%n", k, v));
        System.out.println();
        System.out.println("Try:");
        System.out.println("  curl -s http://127.0.0.1:" + edgePort + "/orders/7            # edge -> orders -> users + catalog, through the mesh");
        System.out.println("  curl -s -X POST http://127.0.0.1:" + edgePort + "/orders/7/pay   # orders -> payments");
        System.out.println("  curl -s http://127.0.0.1:" + edgePort + "/users/42            # edge -> users");
        System.out.println("  curl -s 'http://127.0.0.1:" + edgePort + "/api/home?user=1'   # the edge composes users + catalog");
        System.out.println("  curl -si http://127.0.0.1:" + edgePort + "/nope               # 404 with x-weft-response-flags: NR");
        System.out.println("  curl -s http://127.0.0.1:" + cpAdmin + "/api/v1/proxies      # what every proxy runs");
        System.out.println("  curl -s http://127.0.0.1:" + cpAdmin + "/api/v1/security/strict-impact  # who would break under STRICT mTLS");
        System.out.println("  edit " + mesh.resolve("mesh.yaml") + " and watch it apply without restarts");
        System.out.println();
        System.out.println("Ctrl-C stops everything.");
    }

    private int sidecar(String service, int appPort, String cp, String version, String... extra) throws IOException {
        int admin = freePort();
        List<String> args = new ArrayList<>(List.of("sidecar", "--service", service, "--node", service + "-1",
                "--control-plane", cp, "--app-port", "" + appPort, "--inbound-port", "0", "--admin-port", "" + admin,
                "--labels", "version=" + version));
        args.addAll(List.of(extra));
        args.addAll(security);
        args.addAll(List.of("--join-token", tokens.mint("default", service, java.time.Duration.ofHours(1))));
        start(new Child(service + "-sidecar", SIDECAR_MAIN, args, log(service + "-sidecar")));
        table.put(service, "app 127.0.0.1:" + appPort + ", sidecar admin http://127.0.0.1:" + admin + "/config_dump");
        return admin;
    }

    private io.weft.controlplane.ca.JoinTokens tokens;
    private List<String> security = List.of();

    private Path log(String name) {
        return logs.resolve(name + ".log");
    }

    private void start(Child c) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = c.start(java, System.getProperty("java.class.path"));
        processes.add(p);
        p.onExit().thenAccept(dead -> {
            if (!stopping) {
                System.err.println("demo: " + c.name() + " exited with " + dead.exitValue() + "; see " + c.log().toAbsolutePath());
            }
        });
    }

    private volatile boolean stopping;

    private void awaitHttp(String what, String url) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(180); // joining the mesh (certificates) is slow on a busy machine
        String last = "no answer";
        while (Instant.now().isBefore(deadline)) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body().strip();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(what + " not ready at " + url + " after 180s (" + last + "); logs in " + logs.toAbsolutePath());
    }

    private void stop() {
        stopping = true;
        List<Process> reversed = new ArrayList<>(processes);
        java.util.Collections.reverse(reversed);
        reversed.forEach(Process::destroy);
        for (Process p : reversed) {
            try {
                if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
        if (!processes.isEmpty()) {
            System.out.println("demo: stopped " + processes.size() + " processes.");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
