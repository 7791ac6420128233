package io.weft.sidecar.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.HealthCheck;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.weft.sidecar.testing.Backend;
import io.weft.sidecar.testing.Counting;
import io.weft.sidecar.testing.ProxyFixture;
import io.weft.sidecar.testing.RawHttp;
import io.weft.sidecar.testing.Xds;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Retries, timeouts, outlier ejection, health checks, bulkhead and circuit breaker, through a real sidecar. */
class ResilienceTest {
    private static com.google.protobuf.Duration ms(long millis) {
        return com.google.protobuf.Duration.newBuilder().setSeconds(millis / 1000).setNanos((int) (millis % 1000) * 1_000_000).build();
    }

    private static Backend ok(String name) {
        return Backend.of(name, (req, res) -> res.send(name));
    }

    private static Backend failing(String name, int status) {
        return Backend.of(name, (req, res) -> res.status(status).send(name + " failed"));
    }

    private static Route retrying(String retryOn, int retries) {
        var r = Xds.route("all", "/", "svc");
        r.getRouteBuilder().setRetryPolicy(RetryPolicy.newBuilder().setRetryOn(retryOn).setNumRetries(UInt32Value.of(retries))
                .setRetryBackOff(RetryPolicy.RetryBackOff.newBuilder().setBaseInterval(ms(1)).setMaxInterval(ms(5))));
        return r.build();
    }

    /** A port nothing listens on. */
    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void a503IsRetriedOnAnotherEndpointAndTheCallerSeesSuccess() throws Exception {
        try (Backend bad = failing("bad", 503); Backend good = ok("good"); ProxyFixture p = ProxyFixture.start()) {
            p.service("svc", retrying("5xx", 2), Xds.edsCluster("svc").build(), bad.port(), good.port()).awaitRouted("svc");
            Counting n = new Counting();
            for (int i = 0; i < 20; i++) {
                n.add(p.get("svc", "/"));
            }
            assertEquals(20, n.of("good"), n.toString());
            assertTrue(bad.requests() >= 5, "round robin sent some first attempts to the bad endpoint: " + bad.requests());
        }
    }

    @Test
    void connectFailuresAreRetriedEvenForPost() throws Exception {
        try (Backend good = ok("good"); ProxyFixture p = ProxyFixture.start()) {
            p.service("svc", retrying("connect-failure", 1), Xds.edsCluster("svc").build(), closedPort(), good.port()).awaitRouted("svc");
            for (int i = 0; i < 10; i++) {
                RawHttp.Response r = RawHttp.exchange(p.sidecar.outboundPort(),
                        "POST / HTTP/1.1\r\nHost: svc\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi".getBytes(StandardCharsets.US_ASCII));
                assertEquals(200, r.status(), r.body());
            }
        }
    }

    @Test
    void aDrainingProxysRefusalIsTriedElsewhereWithoutAnyRetryPolicy() throws Exception {
        try (Backend draining = Backend.of("draining", (req, res) -> res.status(503)
                     .header("x-weft-response-flags", "DR").send("this proxy is shutting down"));
             Backend good = ok("good");
             ProxyFixture p = ProxyFixture.start()) {
            p.service("svc", Xds.route("all", "/", "svc").build(), Xds.edsCluster("svc").build(), draining.port(), good.port())
                    .awaitRouted("svc");
            for (int i = 0; i < 10; i++) {
                RawHttp.Response r = RawHttp.exchange(p.sidecar.outboundPort(),
                        "POST / HTTP/1.1\r\nHost: svc\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi".getBytes(StandardCharsets.US_ASCII));
                assertEquals(200, r.status(), r.body());
            }
            assertTrue(draining.requests() >= 3, "round robin did try the draining endpoint: " + draining.requests());
        }
    }

    @Test
    void postIsNotRetriedAfterAnAnswerUnlessThePolicyAllowsIt() throws Exception {
        try (Backend bad = failing("bad", 503); ProxyFixture p = ProxyFixture.start()) {
            p.service("svc", retrying("5xx", 3), Xds.edsCluster("svc").build(), bad.port()).awaitRouted("svc");
            int before = bad.requests();
            RawHttp.Response r = RawHttp.exchange(p.sidecar.outboundPort(),
                    "POST / HTTP/1.1\r\nHost: svc\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi".getBytes(StandardCharsets.US_ASCII));
            assertEquals(503, r.status());
            assertEquals(1, bad.requests() - before, "a POST the upstream answered is not sent again");

            var allowPost = retrying("5xx", 3).toBuilder();
            allowPost.getRouteBuilder().getRetryPolicyBuilder().addRetriableRequestHeaders(HeaderMatcher.newBuilder()
                    .setName(":method").setStringMatch(StringMatcher.newBuilder().setExact("POST")));
            p.set(Xds.routes(io.weft.proto.MeshNames.OUTBOUND_LISTENER, Xds.host("svc", "svc", allowPost.build())));
            RawHttp.Response retried = ProxyFixture.await(() -> {
                int b = bad.requests();
                RawHttp.Response x = RawHttp.exchange(p.sidecar.outboundPort(),
                        "POST / HTTP/1.1\r\nHost: svc\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi".getBytes(StandardCharsets.US_ASCII));
                return bad.requests() - b == 4 ? x : null;
            }, x -> x != null);
            assertEquals("URX", retried.flags(), "retries exhausted: the last answer is returned, marked URX");
        }
    }

    @Test
    void routeTimeoutAnswers504AndPerTryTimeoutMovesOnToAFasterEndpoint() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (Backend stuck = Backend.of("stuck", (req, res) -> {
                release.await(20, TimeUnit.SECONDS);
                res.send("stuck");
            });
             Backend fast = ok("fast");
             ProxyFixture p = ProxyFixture.start()) {
            var timed = Xds.route("all", "/", "svc");
            timed.getRouteBuilder().setTimeout(ms(300));
            p.service("svc", timed.build(), Xds.edsCluster("svc").build(), stuck.port()).awaitRouted("svc");
            RawHttp.Response r = p.get("svc", "/slow");
            assertEquals(504, r.status());
            assertEquals("UT", r.flags());

            var perTry = retrying("5xx", 1).toBuilder();
            perTry.getRouteBuilder().setTimeout(ms(10_000)).getRetryPolicyBuilder().setPerTryTimeout(ms(300));
            p.set(Xds.routes(io.weft.proto.MeshNames.OUTBOUND_LISTENER, Xds.host("svc", "svc", perTry.build())),
                    Xds.endpoints("svc", stuck.port(), fast.port()));
            for (int i = 0; i < 4; i++) {
                RawHttp.Response x = ProxyFixture.await(() -> p.get("svc", "/"), y -> y.status() != 504);
                assertEquals("fast", x.body(), "attempt " + i);
            }
        } finally {
            release.countDown();
        }
    }

    @Test
    void consecutive5xxEjectAnEndpointAndItReturnsAfterTheEjectionTime() throws Exception {
        AtomicBoolean broken = new AtomicBoolean(true);
        try (Backend flaky = Backend.of("flaky", (req, res) -> res.status(broken.get() ? 500 : 200).send("flaky"));
             Backend good = ok("good");
             ProxyFixture p = ProxyFixture.start()) {
            Cluster c = Xds.edsCluster("svc").setOutlierDetection(OutlierDetection.newBuilder()
                    .setConsecutive5Xx(UInt32Value.of(3)).setInterval(ms(100)).setBaseEjectionTime(ms(1500))
                    .setMaxEjectionPercent(UInt32Value.of(50))).build();
            p.service("svc", Xds.route("all", "/", "svc").build(), c, flaky.port(), good.port()).awaitRouted("svc");
            ProxyFixture.await(() -> {
                p.get("svc", "/");
                return flaky.requests();
            }, n -> n >= 3);
            int seen = flaky.requests();
            assertEquals(3, seen, "three 500s in a row, then no more: ejected");
            for (int i = 0; i < 10; i++) {
                assertEquals("good", p.get("svc", "/").body());
            }
            assertEquals(seen, flaky.requests(), "an ejected endpoint gets no traffic");
            broken.set(false);
            RawHttp.Response back = ProxyFixture.await(() -> p.get("svc", "/"), r -> r.body().equals("flaky"));
            assertEquals("flaky", back.body(), "the endpoint returns once its ejection time has passed");
        }
    }

    @Test
    void activeHealthChecksTakeAFailingEndpointOutAndBringItBack() throws Exception {
        AtomicBoolean healthy = new AtomicBoolean(false);
        try (Backend sick = Backend.of("sick", (req, res) -> {
                if (req.path().rawPath().equals("/healthz")) {
                    res.status(healthy.get() ? 200 : 503).send();
                } else {
                    res.send("sick");
                }
            });
             Backend good = ok("good");
             ProxyFixture p = ProxyFixture.start()) {
            Cluster c = Xds.edsCluster("svc").addHealthChecks(HealthCheck.newBuilder().setInterval(ms(100)).setTimeout(ms(500))
                    .setUnhealthyThreshold(UInt32Value.of(1)).setHealthyThreshold(UInt32Value.of(1))
                    .setHttpHealthCheck(HealthCheck.HttpHealthCheck.newBuilder().setPath("/healthz"))).build();
            p.service("svc", Xds.route("all", "/", "svc").build(), c, sick.port(), good.port()).awaitRouted("svc");
            ProxyFixture.await(() -> {
                Counting n = new Counting();
                for (int i = 0; i < 6; i++) {
                    n.add(p.get("svc", "/"));
                }
                return n;
            }, n -> n.of("sick") == 0);
            for (int i = 0; i < 10; i++) {
                assertEquals("good", p.get("svc", "/").body());
            }
            healthy.set(true);
            assertEquals("sick", ProxyFixture.await(() -> p.get("svc", "/"), r -> r.body().equals("sick")).body());
        }
    }

    @Test
    void aClusterWithNoHealthyEndpointAnswers503UhAtOnceWithTheReason() throws Exception {
        try (ProxyFixture p = ProxyFixture.start()) {
            p.service("svc", Xds.route("all", "/", "svc").build(), Xds.edsCluster("svc").build());
            RawHttp.Response r = p.await("svc", "/", x -> x.flags().equals("UH"));
            assertEquals(503, r.status());
            assertTrue(r.body().contains("no healthy upstream in cluster svc (0 endpoints"), r.body());
        }
    }

    @Test
    void theBulkheadRefusesRequestsOverMaxRequestsWithUo() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Backend slow = Backend.of("slow", (req, res) -> {
                if (req.path().rawPath().equals("/hold")) {
                    inside.countDown();
                    release.await(20, TimeUnit.SECONDS);
                }
                res.send("slow");
            });
             ProxyFixture p = ProxyFixture.start()) {
            Cluster c = Xds.edsCluster("svc").setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(
                    CircuitBreakers.Thresholds.newBuilder().setMaxRequests(UInt32Value.of(1)))).build();
            p.service("svc", Xds.route("all", "/", "svc").build(), c, slow.port()).awaitRouted("svc");
            Thread holder = Thread.ofVirtual().start(() -> {
                try {
                    p.get("svc", "/hold");
                } catch (Exception ignored) {
                    // the test ends it
                }
            });
            assertTrue(inside.await(10, TimeUnit.SECONDS));
            RawHttp.Response r = p.get("svc", "/");
            assertEquals(503, r.status());
            assertEquals("UO", r.flags());
            assertTrue(r.body().contains("max_requests 1"), r.body());
            release.countDown();
            holder.join(10_000);
            assertEquals(200, p.get("svc", "/").status(), "capacity is back once the request finished");
        } finally {
            release.countDown();
        }
    }

    @Test
    void theCircuitBreakerOpensWhenTheClusterKeepsFailingToConnect() throws Exception {
        try (ProxyFixture p = ProxyFixture.start()) {
            p.service("svc", Xds.route("all", "/", "svc").build(), Xds.edsCluster("svc").build(), closedPort());
            p.await("svc", "/", x -> x.flags().equals("UF"));
            AtomicInteger uf = new AtomicInteger();
            RawHttp.Response r = ProxyFixture.await(() -> {
                RawHttp.Response x = p.get("svc", "/");
                if (x.flags().equals("UF")) {
                    uf.incrementAndGet();
                }
                return x;
            }, x -> x.flags().equals("UO"));
            assertEquals("UO", r.flags());
            assertTrue(r.body().contains("circuit breaker open for cluster svc"), r.body());
            assertTrue(uf.get() >= 15, "it opened after a run of failures, not at once: " + uf.get());
        }
    }

    @Test
    void withMaxRetriesZeroNothingIsRetried() throws Exception {
        try (Backend bad = failing("bad", 503); Backend good = ok("good"); ProxyFixture p = ProxyFixture.start()) {
            Cluster c = Xds.edsCluster("svc").setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(
                    CircuitBreakers.Thresholds.newBuilder().setMaxRetries(UInt32Value.of(0)))).build();
            p.service("svc", retrying("5xx", 2), c, bad.port(), good.port()).awaitRouted("svc");
            int badBefore = bad.requests();
            int goodBefore = good.requests();
            Counting n = new Counting();
            for (int i = 0; i < 10; i++) {
                n.add(p.get("svc", "/"));
            }
            int badCalls = bad.requests() - badBefore;
            int goodCalls = good.requests() - goodBefore;
            // Round robin sends about half to the bad endpoint (the readiness probe may shift it by one).
            assertTrue(badCalls >= 3, "the failing endpoint was tried: " + badCalls);
            assertEquals(10, badCalls + goodCalls, "each request reached exactly one upstream, no retry: " + n);
            assertEquals(badCalls, n.of("bad"), "every 503 reached the caller unretried: " + n);
        }
    }
}
