package io.weft.examples.bench;

import io.helidon.webserver.WebServer;
import io.weft.controlplane.ControlPlane;
import io.weft.controlplane.ControlPlaneOptions;
import io.weft.examples.users.UsersApp;
import io.weft.sidecar.Sidecar;
import io.weft.sidecar.bootstrap.Bootstrap;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tracing cost benchmark (run by bench/tracing.sh): a control plane, the users app behind its
 * sidecar and an edge, all on loopback, with a real OTLP gRPC receiver as the collector. wrk drives
 * {@code GET /users/1} through edge → users sidecar → users app with tracing off (no collector),
 * at 1% and at 100%, in rounds within one run (each phase in each position once), and the ratios of
 * the median throughputs are printed with the spread. The sampling
 * change travels over xDS like any mesh config change; nothing restarts between phases.
 *
 * <p>Arguments: seconds per phase, wrk connections, wrk threads, rounds.
 */
public final class TracingBench {
    private static final String MESH = """
            services:
              users: {}
            edge:
              virtualHosts:
                - name: public
                  domains: ["*"]
                  routes: [{name: users-api, match: {prefix: /users/}, to: users}]
            """;

    private TracingBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        Path dir = Files.createTempDirectory("weft-bench");
        Path yaml = dir.resolve("mesh.yaml");
        Files.writeString(yaml, MESH);
        try (SinkCollector otlp = SinkCollector.start();
             ControlPlane cp = ControlPlane.start(ControlPlaneOptions.defaults(dir).withPorts(0, 0))) {
            String cpAddr = "127.0.0.1:" + cp.xdsPort();
            WebServer app = UsersApp.start(0, "v1");
            Sidecar users = Sidecar.start(new Bootstrap(Bootstrap.Mode.SIDECAR, "users-1", "users", "default", cpAddr,
                    "127.0.0.1", 0, 0, app.port(), 0, 0, Map.of()));
            Sidecar edge = Sidecar.start(new Bootstrap(Bootstrap.Mode.EDGE, "edge-1", "edge", "default", cpAddr,
                    "127.0.0.1", 0, 0, 0, 0, 0, Map.of()));
            try {
                users.awaitReady(Duration.ofSeconds(20));
                edge.awaitReady(Duration.ofSeconds(20));
                String url = "http://127.0.0.1:" + edge.edgePort() + "/users/1";
                waitFor200(url);
                Map<String, String> phases = new LinkedHashMap<>();
                phases.put("off", "");
                phases.put("1%", "telemetry:\n  tracing: {collector: \"" + otlp.grpcEndpoint() + "\", samplingPercent: 1}\n");
                phases.put("100%", "telemetry:\n  tracing: {collector: \"" + otlp.grpcEndpoint() + "\", samplingPercent: 100}\n");
                System.out.printf(Locale.ROOT, "weft tracing bench: GET %s through edge -> users sidecar -> users app;"
                        + " wrk -t%d -c%d, %ds per phase, %d rounds%n", url, threads, connections, seconds, rounds);
                System.out.println("warm-up: every phase once, not counted ...");
                for (String telemetry : phases.values()) {
                    apply(cp, yaml, telemetry, edge, url);
                    wrk(url, threads, connections, Math.max(5, seconds));
                }
                Map<String, List<Double>> rps = new LinkedHashMap<>();
                List<Map.Entry<String, String>> order = new ArrayList<>(phases.entrySet());
                for (int round = 1; round <= rounds; round++) {
                    java.util.Collections.rotate(order, 1); // each phase takes each position in turn
                    for (Map.Entry<String, String> p : order) {
                        apply(cp, yaml, p.getValue(), edge, url);
                        double r = wrk(url, threads, connections, seconds);
                        rps.computeIfAbsent(p.getKey(), k -> new ArrayList<>()).add(r);
                        System.out.printf(Locale.ROOT, "round %d  tracing %-5s %10.0f req/s%n", round, p.getKey(), r);
                    }
                }
                double off = median(rps.get("off"));
                System.out.printf(Locale.ROOT, "%nmedian req/s (min-max): off %.0f (%.0f-%.0f), 1%% %.0f (%.0f-%.0f), 100%% %.0f (%.0f-%.0f)%n",
                        off, min(rps.get("off")), max(rps.get("off")), median(rps.get("1%")), min(rps.get("1%")), max(rps.get("1%")),
                        median(rps.get("100%")), min(rps.get("100%")), max(rps.get("100%")));
                for (String p : List.of("1%", "100%")) {
                    double ratio = median(rps.get(p)) / off;
                    System.out.printf(Locale.ROOT, "tracing at %-4s: %.3f of the throughput without tracing (cost %.1f%%)%n",
                            p, ratio, 100 * (1 - ratio));
                }
                System.out.printf(Locale.ROOT, "OTLP export calls received by the collector: %d%n", otlp.calls());
            } finally {
                edge.close();
                users.close();
                app.stop();
            }
        }
    }

    /** Writes the phase's telemetry block and waits until the edge's config shows it. */
    private static void apply(ControlPlane cp, Path yaml, String telemetry, Sidecar edge, String url) throws Exception {
        Files.writeString(yaml, MESH + telemetry);
        cp.reloadConfig();
        String expected = telemetry.isEmpty() ? "\"collector\" : null" : telemetry.contains("samplingPercent: 1}") ? "\"ratio\" : 0.01" : "\"ratio\" : 1.0";
        HttpClient http = HttpClient.newHttpClient();
        Instant end = Instant.now().plusSeconds(20);
        String dump = "";
        while (Instant.now().isBefore(end)) {
            dump = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.adminPort() + "/config_dump")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            if (telemetry.isEmpty() ? !dump.contains("\"collector\" : \"http") : dump.contains(expected)) {
                http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding());
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the edge did not apply the telemetry phase within 20s: " + telemetry + "\n" + dump);
    }

    private static double wrk(String url, int threads, int connections, int seconds) throws Exception {
        Process p = new ProcessBuilder("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s", url)
                .redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            r.lines().forEach(l -> out.append(l).append('\n'));
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException("wrk failed:\n" + out);
        }
        String text = out.toString();
        if (text.contains("Non-2xx")) {
            throw new IllegalStateException("wrk saw errors:\n" + text);
        }
        Matcher m = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("no Requests/sec in wrk output:\n" + text);
        }
        return Double.parseDouble(m.group(1));
    }

    private static void waitFor200(String url) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Instant end = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(end)) {
            if (http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(url + " did not answer 200 within 20s");
    }

    /**
     * A stand-in collector that accepts OTLP gRPC trace exports without decoding them, so that the
     * machine's two cores measure the proxies rather than a collector (which runs elsewhere in production).
     */
    private static final class SinkCollector implements AutoCloseable {
        private final io.grpc.Server server;
        private final java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();

        private SinkCollector() throws java.io.IOException {
            io.grpc.MethodDescriptor.Marshaller<byte[]> bytes = new io.grpc.MethodDescriptor.Marshaller<>() {
                @Override
                public java.io.InputStream stream(byte[] value) {
                    return new java.io.ByteArrayInputStream(value);
                }

                @Override
                public byte[] parse(java.io.InputStream stream) {
                    try {
                        return stream.readAllBytes();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            };
            var method = io.grpc.MethodDescriptor.<byte[], byte[]>newBuilder()
                    .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName("opentelemetry.proto.collector.trace.v1.TraceService/Export")
                    .setRequestMarshaller(bytes).setResponseMarshaller(bytes).build();
            var service = io.grpc.ServerServiceDefinition.builder("opentelemetry.proto.collector.trace.v1.TraceService")
                    .addMethod(method, io.grpc.stub.ServerCalls.asyncUnaryCall((req, out) -> {
                        calls.incrementAndGet();
                        out.onNext(new byte[0]);
                        out.onCompleted();
                    })).build();
            this.server = io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder
                    .forAddress(new java.net.InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
        }

        static SinkCollector start() throws java.io.IOException {
            return new SinkCollector();
        }

        String grpcEndpoint() {
            return "http://127.0.0.1:" + server.getPort();
        }

        long calls() {
            return calls.get();
        }

        @Override
        public void close() {
            server.shutdownNow();
        }
    }

    private static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private static double min(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    }

    private static double max(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }
}
