package io.weft.controlplane.telemetry;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.controlplane.model.ProxyNode;
import io.weft.proto.MeshNames;
import io.weft.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControlPlaneMetricsTest {
    private static ProxyNode node(String id) {
        return new ProxyNode(id, "orders", ProxyNode.Mode.SIDECAR, "orders", "default", "127.0.0.1", 1, 2, 3, 0, Map.of());
    }

    @Test
    void pushLatencyConvergenceAndNacksAreMeasuredFromTheXdsHooks() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (ControlPlaneMetrics m = ControlPlaneMetrics.create(clock)) {
            ProxyNode a = node("orders-1");
            ProxyNode b = node("orders-2");
            m.connected(a);
            m.connected(b);
            m.pushed(a, MeshNames.LISTENER_TYPE, "v1", 7);
            clock.advance(Duration.ofMillis(20));
            m.pushed(b, MeshNames.LISTENER_TYPE, "v1", 7);
            clock.advance(Duration.ofMillis(30));
            m.acked(a, MeshNames.LISTENER_TYPE, "v1", 7);
            m.nacked(b, MeshNames.LISTENER_TYPE, "v1", "bad");
            m.certificateIssued(true);
            m.disconnected(b);
            String text = m.text();
            assertTrue(text.contains("weft_controlplane_proxies_connected 1\n"), text);
            assertTrue(text.contains("weft_controlplane_mesh_version 7\n"), text);
            assertTrue(text.contains("weft_controlplane_xds_pushes_total{type=\"Listener\"} 2\n"), text);
            assertTrue(text.contains("weft_controlplane_xds_responses_total{result=\"ack\",type=\"Listener\"} 1\n"), text);
            assertTrue(text.contains("weft_controlplane_xds_responses_total{result=\"nack\",type=\"Listener\"} 1\n"), text);
            // orders-1: pushed at 0 ms, acked at 50 ms; orders-2: pushed at 20 ms, nacked at 50 ms
            assertTrue(text.contains("weft_controlplane_xds_push_duration_seconds_sum{type=\"Listener\"} 0.08\n"), text);
            assertTrue(text.contains("weft_controlplane_xds_push_duration_seconds_count{type=\"Listener\"} 2\n"), text);
            // only the ACK converges: 50 ms after the first push of version 7
            assertTrue(text.contains("weft_controlplane_convergence_duration_seconds_sum 0.05\n"), text);
            assertTrue(text.contains("weft_controlplane_convergence_duration_seconds_count 1\n"), text);
            assertTrue(text.contains("weft_controlplane_ca_issuances_total{result=\"success\"} 1\n"), text);
        }
    }
}
