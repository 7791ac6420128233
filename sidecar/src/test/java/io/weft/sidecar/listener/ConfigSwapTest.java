package io.weft.sidecar.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.config.route.v3.Route;
import io.weft.proto.MeshNames;
import io.weft.sidecar.testing.Backend;
import io.weft.sidecar.testing.ProxyFixture;
import io.weft.sidecar.testing.RawHttp;
import io.weft.sidecar.testing.Xds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Snapshots swap atomically: routes changing 100 times under traffic lose no request. */
class ConfigSwapTest {
    @Test
    void hundredRouteChangesUnderTrafficLoseNoRequest() throws Exception {
        try (Backend blue = Backend.echo("blue"); Backend green = Backend.echo("green"); ProxyFixture p = ProxyFixture.start()) {
            p.set(Xds.outbound(), routes(0), Xds.edsCluster("blue").build(), Xds.endpoints("blue", blue.port()),
                    Xds.edsCluster("green").build(), Xds.endpoints("green", green.port()));
            p.awaitRouted("svc");
            AtomicBoolean running = new AtomicBoolean(true);
            Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
            List<Thread> load = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                load.add(Thread.ofVirtual().start(() -> {
                    while (running.get()) {
                        String key;
                        try {
                            RawHttp.Response r = p.get("svc", "/x");
                            key = r.status() == 200 ? "200" : r.status() + " " + r.flags() + " " + r.body();
                        } catch (Exception e) {
                            key = "exception " + e;
                        }
                        outcomes.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                    }
                }));
            }
            for (int i = 1; i <= 100; i++) {
                p.set(routes(i));
                int version = i;
                // each version is live before the next: it names the backend and the version in the path
                ProxyFixture.await(() -> p.get("svc", "/x"),
                        r -> r.body().startsWith("GET /v" + version + "/x\n"));
            }
            running.set(false);
            for (Thread t : load) {
                t.join(10_000);
            }
            Map<String, Integer> seen = new TreeMap<>();
            outcomes.forEach((k, v) -> seen.put(k, v.get()));
            assertEquals(List.of("200"), List.copyOf(seen.keySet()), "every request succeeded: " + seen);
            assertTrue(seen.get("200") > 100, "traffic flowed throughout: " + seen);
        }
    }

    /** Version {@code v} of the route configuration: alternates backends and rewrites to {@code /v<v>/}. */
    private static io.envoyproxy.envoy.config.route.v3.RouteConfiguration routes(int v) {
        Route r = Xds.route("all", "/", v % 2 == 0 ? "blue" : "green").build();
        r = r.toBuilder().setRoute(r.getRoute().toBuilder().setPrefixRewrite("/v" + v + "/")).build();
        return Xds.routes(MeshNames.OUTBOUND_LISTENER, Xds.host("svc", "svc", r));
    }
}
