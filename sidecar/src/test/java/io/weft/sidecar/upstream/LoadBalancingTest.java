package io.weft.sidecar.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.LoadBalancingPolicy;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.weft.proto.MeshNames;
import io.weft.proto.v1.PeakEwma;
import io.weft.sidecar.testing.Backend;
import io.weft.sidecar.testing.Counting;
import io.weft.sidecar.testing.ProxyFixture;
import io.weft.sidecar.testing.RawHttp;
import io.weft.sidecar.testing.Xds;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Load-balancing policies, end to end: real backends behind one sidecar, chosen as the policy says. */
class LoadBalancingTest {
    private static Backend ok(String name) {
        return Backend.of(name, (req, res) -> res.send(name));
    }

    @Test
    void roundRobinTakesTurns() throws Exception {
        try (Backend a = ok("a"); Backend b = ok("b"); Backend c = ok("c"); ProxyFixture p = ProxyFixture.start()) {
            p.service("svc", Xds.route("all", "/", "svc").build(), Xds.edsCluster("svc").build(), a.port(), b.port(), c.port());
            p.awaitRouted("svc");
            Counting n = new Counting();
            for (int i = 0; i < 30; i++) {
                n.add(p.get("svc", "/"));
            }
            assertEquals(Map.of("a", 10, "b", 10, "c", 10), n.all(), "plus the probe: " + n);
        }
    }

    @Test
    void ringHashOnAHeaderKeepsEachUserOnOneEndpoint() throws Exception {
        try (Backend a = ok("a"); Backend b = ok("b"); Backend c = ok("c"); ProxyFixture p = ProxyFixture.start()) {
            var route = Xds.route("all", "/", "svc");
            route.getRouteBuilder().addHashPolicy(RouteAction.HashPolicy.newBuilder()
                    .setHeader(RouteAction.HashPolicy.Header.newBuilder().setHeaderName("x-user")));
            p.service("svc", route.build(), Xds.edsCluster("svc").setLbPolicy(Cluster.LbPolicy.RING_HASH).build(),
                    a.port(), b.port(), c.port());
            p.awaitRouted("svc");
            Set<String> used = new HashSet<>();
            for (int u = 0; u < 20; u++) {
                String first = p.get("svc", "/", "x-user", "user-" + u).body();
                used.add(first);
                for (int i = 0; i < 4; i++) {
                    assertEquals(first, p.get("svc", "/", "x-user", "user-" + u).body(), "user-" + u + " moved");
                }
            }
            assertTrue(used.size() >= 2, "20 users all hashed to " + used);
        }
    }

    @Test
    void peakEwmaSendsMostTrafficToTheFastEndpoint() throws Exception {
        try (Backend fast = ok("fast");
             Backend slow = Backend.of("slow", (req, res) -> {
                 Thread.sleep(200);
                 res.send("slow");
             });
             ProxyFixture p = ProxyFixture.start()) {
            Cluster cluster = Xds.edsCluster("svc").setLoadBalancingPolicy(LoadBalancingPolicy.newBuilder()
                    .addPolicies(LoadBalancingPolicy.Policy.newBuilder().setTypedExtensionConfig(TypedExtensionConfig.newBuilder()
                            .setName("weft.peak_ewma").setTypedConfig(Any.pack(PeakEwma.newBuilder()
                            // an untried endpoint is assumed fast, so both get tried before their samples decide
                            .setDefaultRtt(com.google.protobuf.Duration.newBuilder().setNanos(1_000_000)).build()))))).build();
            p.service("svc", Xds.route("all", "/", "svc").build(), cluster, fast.port(), slow.port());
            p.awaitRouted("svc");
            Counting n = new Counting();
            for (int i = 0; i < 40; i++) {
                n.add(p.get("svc", "/"));
            }
            assertTrue(n.of("fast") >= 32, "peak-EWMA should prefer the endpoint 200 ms faster: " + n);
        }
    }

    @Test
    void endpointsInTheProxysZoneArePreferredUntilNoneIsLeft() throws Exception {
        try (Backend near1 = ok("near1"); Backend near2 = ok("near2"); Backend far = ok("far");
             ProxyFixture p = ProxyFixture.withLabels(Map.of("zone", "zone-a"))) {
            var cla = io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment.newBuilder().setClusterName("svc")
                    .addEndpoints(Xds.endpoints("svc", "zone-a", near1.port(), near2.port()).getEndpoints(0))
                    .addEndpoints(Xds.endpoints("svc", "zone-b", far.port()).getEndpoints(0)).build();
            p.set(Xds.outbound(), Xds.routes(MeshNames.OUTBOUND_LISTENER, Xds.host("svc", "svc", Xds.route("all", "/", "svc").build())),
                    Xds.edsCluster("svc").build(), cla);
            p.awaitRouted("svc");
            Counting n = new Counting();
            for (int i = 0; i < 20; i++) {
                n.add(p.get("svc", "/"));
            }
            assertEquals(0, n.of("far"), n.toString());
            // the near endpoints are marked unhealthy by the control plane: traffic crosses zones
            var unhealthy = cla.toBuilder();
            for (var lb : unhealthy.getEndpointsBuilder(0).getLbEndpointsBuilderList()) {
                lb.setHealthStatus(io.envoyproxy.envoy.config.core.v3.HealthStatus.UNHEALTHY);
            }
            p.set(unhealthy.build());
            RawHttp.Response r = ProxyFixture.await(() -> p.get("svc", "/"), x -> x.body().equals("far"));
            assertEquals("far", r.body());
        }
    }
}
