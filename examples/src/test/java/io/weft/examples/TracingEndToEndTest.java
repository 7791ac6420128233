package io.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.sidecar.Sidecar;
import io.weft.telemetry.testing.OtlpReceiver;
import io.weft.telemetry.testing.ReceivedSpan;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One request through edge → orders → users (and catalog) makes one trace, received by a real OTLP
 * receiver; the sampling policy is set in the mesh YAML and changes without restarting anything.
 */
class TracingEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    static String meshYaml(String tracing) throws Exception {
        return MeshHarness.demoMeshYaml() + "\ntelemetry:\n  tracing:\n" + tracing.indent(4);
    }

    @Test
    void aRequestThroughTheMeshIsOneTraceWithEveryHopLinkedToItsParent() throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start();
             MeshHarness mesh = MeshHarness.start(tmp, Map.of("mesh.yaml",
                     meshYaml("collector: " + otlp.grpcEndpoint() + "\nsamplingPercent: 100\n")))) {
            HttpResponse<String> r = mesh.get("http://127.0.0.1:" + mesh.edge.edgePort() + "/orders/7");
            assertEquals(200, r.statusCode(), r.body());
            String traceId = r.headers().firstValue("x-weft-trace-id").orElse("");
            assertTrue(traceId.matches("[0-9a-f]{32}"), "trace id header: " + traceId);

            // edge, orders inbound, and for users and catalog: orders outbound and their inbound — a server
            // and a client span each
            List<ReceivedSpan> spans = otlp.await(WAIT, s -> otlp.trace(traceId).size() >= 12);
            List<ReceivedSpan> trace = otlp.trace(traceId);
            assertEquals(12, trace.size(), describe(spans));
            Map<String, ReceivedSpan> byId = trace.stream().collect(Collectors.toMap(ReceivedSpan::spanId, s -> s));
            List<ReceivedSpan> roots = trace.stream().filter(s -> s.parentSpanId().isEmpty()).toList();
            assertEquals(1, roots.size(), describe(trace));
            ReceivedSpan root = roots.get(0);
            assertEquals("edge", root.service());
            assertEquals("SERVER", root.kind());
            assertEquals("GET orders-api", root.name());
            assertEquals("orders-api", root.attr("http.route"));
            assertEquals("200", root.attr("http.response.status_code"));
            assertEquals("GET", root.attr("http.request.method"));
            for (ReceivedSpan s : trace) {
                if (s != root) {
                    assertTrue(byId.containsKey(s.parentSpanId()), "parent of " + s + " is in the trace: " + describe(trace));
                }
            }
            // the chain: edge server → edge client → orders server → orders client (to the app) → [the app] →
            // orders outbound server → its client → users server → users client (to the users app)
            ReceivedSpan edgeClient = onlyChild(trace, root);
            assertEquals("CLIENT", edgeClient.kind());
            assertEquals("orders", edgeClient.attr("peer.service"));
            ReceivedSpan ordersIn = onlyChild(trace, edgeClient);
            assertEquals("orders", ordersIn.service());
            assertEquals("SERVER", ordersIn.kind());
            assertEquals("weft.inbound", ordersIn.attr("weft.listener"));
            ReceivedSpan ordersToApp = onlyChild(trace, ordersIn);
            assertEquals("CLIENT", ordersToApp.kind());
            List<ReceivedSpan> outbound = children(trace, ordersToApp);
            assertEquals(2, outbound.size(), "orders called users and catalog: " + describe(trace));
            ReceivedSpan toUsers = outbound.stream().filter(s -> s.attr("server.address").equals("users")).findFirst()
                    .orElseThrow(() -> new AssertionError("no outbound span to users: " + describe(trace)));
            assertEquals("orders", toUsers.service());
            assertEquals("weft.outbound", toUsers.attr("weft.listener"));
            ReceivedSpan usersClient = onlyChild(trace, toUsers);
            assertEquals("users", usersClient.attr("peer.service"));
            ReceivedSpan usersIn = onlyChild(trace, usersClient);
            assertEquals("users", usersIn.service());
            assertEquals("SERVER", usersIn.kind());
            ReceivedSpan usersApp = onlyChild(trace, usersIn);
            assertEquals("CLIENT", usersApp.kind());
            assertEquals("200", usersApp.attr("http.response.status_code"));
            assertTrue(children(trace, usersApp).isEmpty());
            assertTrue(trace.stream().noneMatch(s -> s.status().equals("ERROR")), describe(trace));
        }
    }

    @Test
    void samplingChangedInYamlAppliesWithoutRestartAndCallersW3cAndB3ContextIsContinued() throws Exception {
        String off = "collector: " + "%s" + "\nsamplingPercent: 0\n";
        try (OtlpReceiver otlp = OtlpReceiver.start();
             MeshHarness mesh = MeshHarness.start(tmp, Map.of("mesh.yaml", meshYaml(off.formatted(otlp.grpcEndpoint()))))) {
            String edge = "http://127.0.0.1:" + mesh.edge.edgePort();
            int edgePortBefore = mesh.edge.edgePort();
            HttpResponse<String> unsampled = mesh.get(edge + "/users/1");
            assertEquals(200, unsampled.statusCode(), unsampled.body());
            String unsampledTrace = unsampled.headers().firstValue("x-weft-trace-id").orElseThrow();

            Files.writeString(mesh.meshDir.resolve("mesh.yaml"), meshYaml(off.formatted(otlp.grpcEndpoint())
                    .replace("samplingPercent: 0", "samplingPercent: 100")));
            String sampledTrace = MeshHarness.await(WAIT, () -> {
                String id = mesh.get(edge + "/users/1").headers().firstValue("x-weft-trace-id").orElseThrow();
                return otlp.await(Duration.ofSeconds(2), s -> otlp.trace(id).size() >= 4).stream()
                        .anyMatch(s -> s.traceId().equals(id)) ? id : "";
            }, id -> !id.isEmpty());
            assertFalse(sampledTrace.isEmpty(), "no trace arrived after sampling went to 100%: " + describe(otlp.spans()));
            otlp.await(WAIT, s -> otlp.trace(sampledTrace).size() >= 4);
            assertEquals(4, otlp.trace(sampledTrace).size(), describe(otlp.trace(sampledTrace)));
            assertTrue(otlp.trace(unsampledTrace).isEmpty(), "sampled at 0%: " + describe(otlp.trace(unsampledTrace)));
            assertEquals(edgePortBefore, mesh.edge.edgePort());

            // W3C: the caller's trace continues, the edge span is the caller's span's child
            String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
            HttpResponse<String> w3c = mesh.get(edge + "/users/1", "traceparent", "00-" + traceId + "-00f067aa0ba902b7-01");
            assertEquals(traceId, w3c.headers().firstValue("x-weft-trace-id").orElse(""));
            otlp.await(WAIT, s -> otlp.trace(traceId).size() >= 4);
            ReceivedSpan edgeSpan = otlp.trace(traceId).stream().filter(s -> s.service().equals("edge") && s.kind().equals("SERVER"))
                    .findFirst().orElseThrow(() -> new AssertionError(describe(otlp.spans())));
            assertEquals("00f067aa0ba902b7", edgeSpan.parentSpanId());

            // B3 single header from an older client is accepted
            String b3Trace = "80f198ee56343ba864fe8b2a57d3eff7";
            HttpResponse<String> b3 = mesh.get(edge + "/users/1", "b3", b3Trace + "-e457b5a2e4d86bd1-1");
            assertEquals(b3Trace, b3.headers().firstValue("x-weft-trace-id").orElse(""));
            otlp.await(WAIT, s -> otlp.trace(b3Trace).size() >= 4);
            assertEquals(4, otlp.trace(b3Trace).size(), describe(otlp.spans()));

            // parent-based: a caller that decided not to sample is followed, even at 100%
            String notSampled = "0af7651916cd43dd8448eb211c80319c";
            mesh.get(edge + "/users/1", "traceparent", "00-" + notSampled + "-b7ad6b7169203331-00");
            String marker = mesh.get(edge + "/users/1").headers().firstValue("x-weft-trace-id").orElseThrow();
            otlp.await(WAIT, s -> otlp.trace(marker).size() >= 4);
            assertTrue(otlp.trace(notSampled).isEmpty(), describe(otlp.trace(notSampled)));
        }
    }

    @Test
    void atZeroPercentAFailedRequestIsStillExportedFromTheEdgeAndASuccessfulOneIsNot() throws Exception {
        String yaml = meshYaml("").replace("  orders:\n", "  ghost: {}\n  orders:\n")
                .replace("        - name: users-api\n", """
                                - name: ghost-api
                                  match: {prefix: /ghost/}
                                  to: ghost
                                - name: users-api
                        """);
        try (OtlpReceiver otlp = OtlpReceiver.start();
             MeshHarness mesh = MeshHarness.start(tmp, Map.of("mesh.yaml", yaml + "    collector: " + otlp.grpcEndpoint()
                     + "\n    samplingPercent: 0\n    alwaysSampleErrorsAtEdge: true\n"))) {
            String edge = "http://127.0.0.1:" + mesh.edge.edgePort();
            String ok = mesh.get(edge + "/users/1").headers().firstValue("x-weft-trace-id").orElseThrow();
            HttpResponse<String> failed = mesh.get(edge + "/ghost/1");
            assertEquals(503, failed.statusCode());
            String failedTrace = failed.headers().firstValue("x-weft-trace-id").orElseThrow();
            otlp.await(WAIT, s -> !otlp.trace(failedTrace).isEmpty());
            List<ReceivedSpan> spans = otlp.trace(failedTrace);
            assertEquals(1, spans.size(), describe(otlp.spans()));
            ReceivedSpan span = spans.get(0);
            assertEquals("edge", span.service());
            assertEquals("ERROR", span.status());
            assertEquals("UH", span.attr("weft.response_flags"));
            assertEquals("503", span.attr("http.response.status_code"));
            mesh.edge.telemetry().flush();
            assertTrue(otlp.trace(ok).isEmpty(), "a successful request at 0%: " + describe(otlp.trace(ok)));
        }
    }

    @Test
    void collectorDownDropsSpansWithACounterAndTrafficIsUnaffected() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (MeshHarness mesh = MeshHarness.start(tmp, Map.of("mesh.yaml",
                meshYaml("collector: http://127.0.0.1:" + closedPort + "\nprotocol: http/protobuf\n")))) {
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = mesh.get("http://127.0.0.1:" + mesh.edge.edgePort() + "/orders/" + i);
                assertEquals(200, r.statusCode(), r.body());
            }
            mesh.edge.telemetry().flush();
            String metrics = MeshHarness.await(WAIT, () -> scrape(mesh, mesh.edge), m -> dropped(m) >= 10);
            assertTrue(dropped(metrics) >= 10, "edge made 2 spans per request, all dropped:\n" + metrics);
            assertTrue(metrics.contains("weft_tracing_spans_exported_total 0"), metrics);
        }
    }

    static String scrape(MeshHarness mesh, Sidecar s) throws Exception {
        return mesh.get("http://127.0.0.1:" + s.adminPort() + "/stats/prometheus").body();
    }

    private static long dropped(String metrics) {
        return metrics.lines().filter(l -> l.startsWith("weft_tracing_spans_dropped_total "))
                .map(l -> Long.parseLong(l.substring(l.indexOf(' ') + 1).trim())).findFirst().orElse(0L);
    }

    private static ReceivedSpan onlyChild(List<ReceivedSpan> trace, ReceivedSpan parent) {
        List<ReceivedSpan> c = children(trace, parent);
        assertEquals(1, c.size(), "children of " + parent.service() + " " + parent.name() + ": " + describe(trace));
        return c.get(0);
    }

    private static List<ReceivedSpan> children(List<ReceivedSpan> trace, ReceivedSpan parent) {
        return trace.stream().filter(s -> s.parentSpanId().equals(parent.spanId())).toList();
    }

    static String describe(List<ReceivedSpan> spans) {
        return spans.stream().map(s -> "\n  " + s.service() + " " + s.kind() + " \"" + s.name() + "\" " + s.spanId()
                + " <- " + s.parentSpanId() + " " + s.status() + " " + s.attributes()).collect(Collectors.joining());
    }

    static Optional<ReceivedSpan> find(List<ReceivedSpan> spans, String service, String kind) {
        return spans.stream().filter(s -> s.service().equals(service) && s.kind().equals(kind)).findFirst();
    }
}
