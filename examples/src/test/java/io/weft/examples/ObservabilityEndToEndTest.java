package io.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.weft.sidecar.Sidecar;
import io.weft.sidecar.cli.Weftctl;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SRE's view of a failing request: the trace id from the response, {@code weftctl why} naming the
 * hop and the reason, the access log with errors always written, and per-route metrics on the
 * admin port.
 */
class ObservabilityEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    @Test
    void whyNamesTheFailingHopAndTheAccessLogAndMetricsShowIt() throws Exception {
        Path log = tmp.resolve("access.log");
        String yaml = MeshHarness.demoMeshYaml()
                .replace("  orders:\n", "  ghost: {}\n  orders:\n")
                .replace("        - name: users-api\n", """
                                - name: ghost-api
                                  match: {prefix: /ghost/}
                                  to: ghost
                                - name: users-api
                        """)
                + "\ntelemetry:\n  accessLog:\n    path: " + log + "\n    successSamplingPercent: 0\n";
        try (MeshHarness mesh = MeshHarness.start(tmp, Map.of("mesh.yaml", yaml))) {
            String edge = "http://127.0.0.1:" + mesh.edge.edgePort();
            HttpResponse<String> ok = mesh.get(edge + "/orders/7");
            assertEquals(200, ok.statusCode(), ok.body());
            String okTrace = ok.headers().firstValue("x-weft-trace-id").orElseThrow();

            // the users app starts failing: orders answers 502, the edge passes it on
            HttpResponse<String> fault = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + mesh.users.bootstrap().appPort() + "/fault?errorRate=1"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, fault.statusCode(), fault.body());
            HttpResponse<String> failed = mesh.get(edge + "/orders/8");
            assertEquals(502, failed.statusCode(), failed.body());
            String failedTrace = failed.headers().firstValue("x-weft-trace-id").orElseThrow();

            String admins = List.of(mesh.edge, mesh.orders, mesh.users, mesh.catalog, mesh.catalogV2, mesh.payments)
                    .stream().map(s -> "127.0.0.1:" + s.adminPort()).collect(Collectors.joining(","));
            String why = weftctl(0, "why", failedTrace, "--admin", admins);
            assertTrue(why.startsWith("The upstream of users-1 (weft.inbound, cluster inbound|users, endpoint 127.0.0.1:"
                    + mesh.users.bootstrap().appPort() + ") answered 503; no proxy failed itself"), why);
            assertTrue(why.contains("The caller got 502 from edge-1."), why);
            assertTrue(why.contains("edge-1") && why.contains("orders-1") && why.contains("users-1"), why);

            // a failure of the proxy itself: no instance of ghost is running
            HttpResponse<String> noHost = mesh.get(edge + "/ghost/x");
            assertEquals(503, noHost.statusCode(), noHost.body());
            assertEquals("UH", noHost.headers().firstValue("x-weft-response-flags").orElse(""));
            String requestId = requestId(mesh.edge, noHost.headers().firstValue("x-weft-trace-id").orElseThrow());
            String whyUh = weftctl(0, "why", requestId, "--admin", admins);
            assertTrue(whyUh.startsWith("edge-1 (weft.edge) answered 503 itself with response flag UH: no healthy upstream"
                    + " endpoint"), whyUh);
            assertTrue(whyUh.contains("route ghost-api, cluster ghost."), whyUh);
            assertTrue(weftctl(1, "why", "0123456789abcdef0123456789abcdef", "--admin", admins).startsWith("No proxy"));

            // access log: errors always, successes sampled at 0%
            List<JsonNode> lines = MeshHarness.await(WAIT, () -> lines(log),
                    ls -> ls.stream().filter(l -> l.path("trace_id").asText().equals(failedTrace)).count() >= 4
                            && ls.stream().anyMatch(l -> l.path("response_flags").asText().equals("UH")));
            JsonNode edgeLine = lines.stream().filter(l -> l.path("trace_id").asText().equals(failedTrace)
                    && l.path("node").asText().equals("edge-1")).findFirst().orElseThrow(() -> new AssertionError(lines));
            assertEquals(502, edgeLine.path("status").asInt());
            assertEquals("GET", edgeLine.path("method").asText());
            assertEquals("/orders/8", edgeLine.path("path").asText());
            assertEquals("orders-api", edgeLine.path("route").asText());
            assertEquals("orders", edgeLine.path("cluster").asText());
            assertEquals("127.0.0.1:" + mesh.orders.inboundPort(), edgeLine.path("upstream").asText());
            assertEquals(1, edgeLine.path("attempts").asInt());
            assertTrue(edgeLine.path("duration_ms").asDouble() > 0, edgeLine.toString());
            assertFalse(lines.stream().anyMatch(l -> l.path("trace_id").asText().equals(okTrace)), "success logged at 0%");

            // metrics on the admin port, per route and cluster, by status class and response flag
            String metrics = mesh.get("http://127.0.0.1:" + mesh.edge.adminPort() + "/stats/prometheus").body();
            assertTrue(metrics.contains("weft_proxy_requests_total{cluster=\"orders\",listener=\"weft.edge\",response_flags=\"-\","
                    + "route=\"orders-api\",status_class=\"2xx\"} 1\n"), metrics);
            assertTrue(metrics.contains("weft_proxy_requests_total{cluster=\"orders\",listener=\"weft.edge\",response_flags=\"-\","
                    + "route=\"orders-api\",status_class=\"5xx\"} 1\n"), metrics);
            assertTrue(metrics.contains("weft_proxy_requests_total{cluster=\"ghost\",listener=\"weft.edge\",response_flags=\"UH\","
                    + "route=\"ghost-api\",status_class=\"5xx\"} 1\n"), metrics);
            assertTrue(metrics.contains("weft_proxy_request_duration_seconds_count{cluster=\"orders\",listener=\"weft.edge\","
                    + "route=\"orders-api\",status_class=\"2xx\"} 1\n"), metrics);
            assertTrue(metrics.contains("weft_proxy_active_requests{listener=\"weft.edge\"} 0\n"), metrics);
            assertTrue(metrics.contains("weft_xds_updates_total{result=\"ack\",type=\"Listener\"}"), metrics);
            assertTrue(metrics.contains("weft_xds_connected 1\n"), metrics);

            String cp = mesh.get("http://127.0.0.1:" + mesh.controlPlane.adminPort() + "/metrics").body();
            assertTrue(cp.contains("weft_controlplane_proxies_connected 7\n"), cp);
            assertTrue(cp.contains("weft_controlplane_xds_responses_total{result=\"ack\",type=\"Listener\"}"), cp);
            assertTrue(cp.lines().anyMatch(l -> l.startsWith("weft_controlplane_convergence_duration_seconds_count ")
                    && !l.endsWith(" 0")), cp);

            String top = weftctl(0, "top", "--admin", "127.0.0.1:" + mesh.edge.adminPort(), "--once", "--window", "60");
            assertTrue(top.lines().anyMatch(l -> l.contains("weft.edge") && l.contains("orders-api")), top);
            assertTrue(top.lines().anyMatch(l -> l.contains("ghost-api") && l.contains("100.0%")), top);
        }
    }

    private static String requestId(Sidecar edge, String traceId) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + edge.adminPort() + "/requests/" + traceId)).build(), HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(r.body()).get(0).path("request_id").asText();
    }

    private static List<JsonNode> lines(Path log) throws Exception {
        if (!Files.exists(log)) {
            return List.of();
        }
        ObjectMapper json = new ObjectMapper();
        return Files.readAllLines(log).stream().filter(l -> !l.isBlank()).map(l -> {
            try {
                return json.readTree(l);
            } catch (Exception e) {
                throw new AssertionError("not a JSON line: " + l, e);
            }
        }).toList();
    }

    private static String weftctl(int expectedExit, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Weftctl.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(expectedExit, exit, text + err.toString(StandardCharsets.UTF_8));
        return text;
    }
}
