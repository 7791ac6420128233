package io.weft.controlplane.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.weft.controlplane.ControlPlane;
import io.weft.controlplane.ControlPlaneOptions;
import io.weft.proto.MeshNames;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The control plane's benchmark (not a test). Two parts:
 *
 * <ol>
 * <li><b>Convergence</b>: a control plane in its own process; N simulated sidecars on real gRPC ADS
 * streams (in this process) sync; then a route change is applied through the admin API and the time
 * until each sidecar has ACKed the new routes is measured (p50/p99/max), with the control plane's
 * CPU time and heap. Targets on a 2-core machine: 1,000 sidecars under 1 s, 5,000 under 5 s.</li>
 * <li><b>Scoping</b>: the bytes pushed to one sidecar (which calls 3 services) as the mesh grows from
 * 100 to 5,000 services, and the bytes a change to a service it does not call pushes to it.</li>
 * </ol>
 * Run: {@code ./weft bench xds [--clients 1000,5000] [--services 100,1000,5000]}.
 */
public final class XdsBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private XdsBench() {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> clients = List.of(1000, 5000);
        List<Integer> services = List.of(100, 1000, 5000);
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--clients" -> clients = ints(args[i + 1]);
                case "--services" -> services = ints(args[i + 1]);
                default -> throw new IllegalArgumentException(args[i] + ": unknown option (expected: --clients, --services)");
            }
        }
        System.out.printf("Weft xDS benchmark on %d cores, %s%n%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.version"));
        List<double[]> conv = new ArrayList<>();
        for (int n : clients) {
            conv.add(convergence(n));
        }
        System.out.println("\n== convergence after a route change (all sidecars depend on the changed service)");
        System.out.printf("%8s %10s %10s %10s %12s %10s %12s %14s %10s%n", "clients", "p50 ms", "p99 ms", "max ms",
                "server ms", "target ms", "max/target", "cp cpu ms", "cp heap MB");
        for (int i = 0; i < clients.size(); i++) {
            double[] r = conv.get(i);
            double target = clients.get(i) <= 1000 ? 1000 : 5000.0 * clients.get(i) / 5000;
            System.out.printf("%8d %10.1f %10.1f %10.1f %12.1f %10.0f %12.2f %14.0f %10.1f%n", clients.get(i), r[0], r[1], r[2],
                    r[3], target, r[2] / target, r[4], r[5]);
        }
        if (conv.size() > 1) {
            System.out.printf("scaling: max convergence x%.2f for x%.1f clients%n", conv.get(conv.size() - 1)[2] / conv.get(0)[2],
                    (double) clients.get(clients.size() - 1) / clients.get(0));
        }
        System.out.println("\n== scoping: bytes pushed to one sidecar that calls 3 services");
        System.out.printf("%10s %14s %22s %24s %12s%n", "services", "initial bytes", "unrelated change bytes",
                "called-service change", "vs first");
        long base = -1;
        for (int m : services) {
            long[] b = scoping(m);
            base = base < 0 ? b[0] : base;
            System.out.printf("%10d %14d %22d %24d %12.2f%n", m, b[0], b[1], b[2], (double) b[0] / base);
        }
    }

    private static List<Integer> ints(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).map(Integer::parseInt).toList();
    }

    /** A mesh of {@code count} services; every service calls hub and its next two neighbours. */
    static String mesh(int count, String hubPrefix) {
        StringBuilder y = new StringBuilder("services:\n  hub: {}\n");
        for (int i = 0; i < count; i++) {
            y.append("  svc-").append(i).append(": {dependsOn: [hub, svc-").append((i + 1) % count).append(", svc-")
                    .append((i + 2) % count).append("]}\n");
        }
        y.append("virtualHosts:\n  - name: hub\n    routes:\n      - {match: {prefix: ").append(hubPrefix)
                .append("}, to: hub, timeout: 2s}\n      - {to: hub}\n");
        y.append("  - name: svc-").append(count / 2).append("\n    routes:\n      - {match: {prefix: ").append(hubPrefix)
                .append("}, to: svc-").append(count / 2).append("}\n      - {to: svc-").append(count / 2).append("}\n");
        return y.toString();
    }

    /** Returns p50, p99, max (client-side ms), server convergence ms, control-plane CPU ms, heap MB. */
    private static double[] convergence(int n) throws Exception {
        int services = Math.max(50, n / 20);
        Path dir = Files.createTempDirectory("weft-bench");
        Files.writeString(dir.resolve("mesh.yaml"), mesh(services, "/v1/"));
        Process cp = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseParallelGC", "-Xmx2g", "-cp", System.getProperty("java.class.path"), "io.weft.controlplane.Main",
                "--mesh", dir.toString(), "--xds-port", "0", "--admin-port", "0", "--warm-up", "0s",
                "--registration-grace", "120s").redirectErrorStream(true).start();
        List<ManagedChannel> channels = new ArrayList<>();
        List<SimulatedSidecar> sidecars = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(cp.getInputStream()));
            Matcher m = null;
            for (String line; (line = out.readLine()) != null; ) {
                Matcher candidate = Pattern.compile("xds=([^ ]+):(\\d+) admin=(http://[^/]+)").matcher(line);
                if (candidate.find()) {
                    m = candidate;
                    break;
                }
            }
            if (m == null) {
                throw new IllegalStateException("control plane did not start (no ready line)");
            }
            int xdsPort = Integer.parseInt(m.group(2));
            String admin = m.group(3);
            Thread.ofVirtual().start(() -> { // drain its log until it exits
                try {
                    while (out.readLine() != null) {
                        continue;
                    }
                } catch (IOException e) {
                    // it exited
                }
            });
            for (int c = 0; c < Math.max(1, n / 250); c++) {
                channels.add(NettyChannelBuilder.forAddress("127.0.0.1", xdsPort).usePlaintext()
                        .maxInboundMessageSize(64 << 20).build());
            }
            long t = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sidecars.add(new SimulatedSidecar(channels.get(i % channels.size()), "sc-" + i, "svc-" + (i % services), 20000 + i));
            }
            await("all " + n + " sidecars synced", Duration.ofSeconds(300), () -> sidecars.stream().allMatch(SimulatedSidecar::synced));
            await("registrations settled", Duration.ofSeconds(300), () -> settled(admin));
            System.out.printf("%d sidecars connected and synced in %d ms%n", n, (System.nanoTime() - t) / 1_000_000);
            JsonNode before = get(admin + "/api/v1/runtime");
            List<String> rdsBefore = sidecars.stream().map(s -> s.version(MeshNames.ROUTE_TYPE)).toList();

            long t0 = System.nanoTime();
            HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(admin + "/api/v1/config/files/mesh.yaml?author=bench"))
                    .PUT(HttpRequest.BodyPublishers.ofString(mesh(services, "/v2/"))).build(), HttpResponse.BodyHandlers.ofString());
            if (put.statusCode() != 200) {
                throw new IllegalStateException("route change refused: " + put.body());
            }
            await("all " + n + " sidecars ACKed the change", Duration.ofSeconds(120), () -> {
                for (int i = 0; i < n; i++) {
                    if (sidecars.get(i).version(MeshNames.ROUTE_TYPE).equals(rdsBefore.get(i))) {
                        return false;
                    }
                }
                return true;
            });
            double[] ms = new double[n];
            for (int i = 0; i < n; i++) {
                SimulatedSidecar s = sidecars.get(i);
                ms[i] = (s.rdsAckedAt.get(s.version(MeshNames.ROUTE_TYPE)) - t0) / 1e6;
            }
            Arrays.sort(ms);
            await("the server to see every ACK", Duration.ofSeconds(60), () -> !get(admin + "/api/v1/rollouts")
                    .path("rollouts").get(0).path("convergedIn").isNull());
            JsonNode rollout = get(admin + "/api/v1/rollouts").path("rollouts").get(0);
            JsonNode after = get(admin + "/api/v1/runtime");
            double server = Duration.parse(rollout.path("convergedIn").asText()).toNanos() / 1e6;
            double cpu = (after.path("processCpuNanos").asLong() - before.path("processCpuNanos").asLong()) / 1e6;
            double heap = after.path("heapUsedBytes").asLong() / 1e6;
            System.out.printf("%d sidecars: route change ACKed by all; rollout %s reached %d proxies%n", n,
                    rollout.path("meshVersion").asText(), rollout.path("proxies").asInt());
            return new double[] {ms[n / 2], ms[(int) Math.min(n - 1, Math.ceil(n * 0.99) - 1)], ms[n - 1], server, cpu, heap};
        } finally {
            sidecars.forEach(SimulatedSidecar::close);
            channels.forEach(ManagedChannel::shutdownNow);
            cp.destroy();
            cp.waitFor();
        }
    }

    /** Nothing left to converge, and the mesh version no longer moves. */
    private static boolean settled(String admin) {
        try {
            JsonNode r1 = get(admin + "/api/v1/rollouts").path("rollouts");
            if (r1.isEmpty() || r1.get(0).path("convergedIn").isNull()) {
                return false;
            }
            long v = get(admin + "/api/v1/proxies").path("meshVersion").asLong();
            Thread.sleep(500);
            return v == get(admin + "/api/v1/proxies").path("meshVersion").asLong();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Returns initial bytes, bytes after an unrelated change, bytes after a change to a called service. */
    private static long[] scoping(int services) throws Exception {
        Path dir = Files.createTempDirectory("weft-scope");
        Files.writeString(dir.resolve("mesh.yaml"), mesh(services, "/v1/"));
        try (ControlPlane cp = ControlPlane.start(ControlPlaneOptions.defaults(dir).withPorts(0, 0).withWarmUp(Duration.ZERO))) {
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", cp.xdsPort()).usePlaintext()
                    .maxInboundMessageSize(64 << 20).build();
            try {
                SimulatedSidecar s = new SimulatedSidecar(ch, "sc-0", "svc-0", 20000);
                await("synced", Duration.ofSeconds(60), s::synced);
                await("quiet", Duration.ofSeconds(60), () -> cp.xds().rollouts().stream().allMatch(r -> r.convergedIn().isPresent()));
                long initial = s.bytes.get();
                // svc-<count/2> is not among svc-0's dependencies (hub, svc-1, svc-2).
                String unrelated = mesh(services, "/v1/").replace("prefix: /v1/}, to: svc-" + services / 2,
                        "prefix: /v9/}, to: svc-" + services / 2);
                applyAndWait(cp, unrelated);
                long afterUnrelated = s.bytes.get() - initial;
                String rds = s.version(MeshNames.ROUTE_TYPE);
                applyAndWait(cp, unrelated.replace("prefix: /v1/}, to: hub", "prefix: /v2/}, to: hub"));
                await("the hub change", Duration.ofSeconds(30), () -> !s.version(MeshNames.ROUTE_TYPE).equals(rds));
                long afterCalled = s.bytes.get() - initial - afterUnrelated;
                s.close();
                return new long[] {initial, afterUnrelated, afterCalled};
            } finally {
                ch.shutdownNow();
            }
        }
    }

    private static void applyAndWait(ControlPlane cp, String yaml) throws InterruptedException {
        var r = cp.changes().apply(java.util.Map.of("mesh.yaml", java.util.Optional.of(yaml)), "bench");
        if (!r.valid()) {
            throw new IllegalStateException(r.error().orElseThrow());
        }
        await("rollout", Duration.ofSeconds(30), () -> cp.xds().rollouts().get(0).convergedIn().isPresent());
    }

    private static JsonNode get(String url) {
        try {
            return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            throw new IllegalStateException(url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void await(String what, Duration limit, BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("not within " + limit.toSeconds() + "s: " + what);
            }
            Thread.sleep(5);
        }
    }
}
