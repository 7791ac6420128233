package io.weft.sidecar.filter.transcode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Descriptors;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.weft.examples.shop.v1.RecommendRequest;
import io.weft.examples.shop.v1.RecommendResponse;
import io.weft.examples.shop.v1.Recommendation;
import io.weft.examples.shop.v1.RecommendationsGrpc;
import io.weft.proto.DescriptorPool;
import io.weft.proto.v1.EdgeTranscode;
import io.weft.sidecar.testing.EdgeFixture;
import io.weft.sidecar.testing.ProxyFixture;
import io.weft.sidecar.testing.RawHttp;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP/JSON → a real grpc-java server through a real edge: path, query and body become the request
 * message, the answer comes back as JSON, gRPC statuses become HTTP statuses, bad input never reaches
 * the service.
 */
class TranscodeFilterTest {
    static final CountDownLatch RELEASE_SLOW = new CountDownLatch(1);
    static final AtomicInteger CALLS = new AtomicInteger();
    static final AtomicReference<Metadata> SEEN = new AtomicReference<>();
    static final Descriptors.MethodDescriptor RECOMMEND = method("Recommend");
    static Server server;
    static EdgeFixture edge;

    static Descriptors.MethodDescriptor method(String name) {
        return RecommendRequest.getDescriptor().getFile().findServiceByName("Recommendations").findMethodByName(name);
    }

    static EdgeTranscode.Builder transcode(Descriptors.MethodDescriptor m, String cluster, String template) {
        return EdgeTranscode.newBuilder().setMethod(m.getService().getFullName() + "/" + m.getName()).setCluster(cluster)
                .setPathTemplate(template).setDescriptors(DescriptorPool.closure(m));
    }

    @BeforeAll
    static void start() throws Exception {
        var service = new RecommendationsGrpc.RecommendationsImplBase() {
            @Override
            public void recommend(RecommendRequest req, StreamObserver<RecommendResponse> out) {
                CALLS.incrementAndGet();
                switch (req.getUserId()) {
                    case "missing" -> out.onError(Status.NOT_FOUND.withDescription("no user missing").asRuntimeException());
                    case "slow" -> {
                        try {
                            RELEASE_SLOW.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        out.onError(Status.ABORTED.asRuntimeException());
                    }
                    default -> {
                        RecommendResponse.Builder r = RecommendResponse.newBuilder().setVersion("for " + req.getUserId());
                        for (int i = 0; i < req.getLimit(); i++) {
                            r.addItems(Recommendation.newBuilder().setItemId("b" + i).setTitle("Item " + i).setScore(1.0 / (i + 1)));
                        }
                        out.onNext(r.build());
                        out.onCompleted();
                    }
                }
            }
        };
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(service, new io.grpc.ServerInterceptor() {
                    @Override
                    public <Q, A> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, A> call, Metadata headers,
                                                                               io.grpc.ServerCallHandler<Q, A> next) {
                        SEEN.set(headers);
                        return next.startCall(call, headers);
                    }
                }))
                .build().start();
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        edge = EdgeFixture.start(Clock.systemUTC()).http2Cluster("recs", server.getPort()).http2Cluster("gone", dead);
        edge.routes(
                EdgeFixture.route("recs", "/api/recommendations/", "recs",
                        transcode(RECOMMEND, "recs", "/api/recommendations/{user_id}")
                                .setTimeout(com.google.protobuf.Duration.newBuilder().setNanos(300_000_000)).build()),
                EdgeFixture.route("gone", "/gone/", "gone", transcode(RECOMMEND, "gone", "").build()))
                .awaitRouted("/api/recommendations/u1");
    }

    @AfterAll
    static void stop() {
        RELEASE_SLOW.countDown();
        edge.close();
        server.shutdownNow();
    }

    @Test
    void pathAndQueryBecomeTheRequestAndTheAnswerIsJson() throws Exception {
        RawHttp.Response r = edge.get("/api/recommendations/u7?limit=2", "x-weft-identity", "forged");
        assertEquals(200, r.status(), r.body());
        assertEquals("application/json", r.header("content-type").orElseThrow());
        assertEquals("{\"items\":[{\"itemId\":\"b0\",\"title\":\"Item 0\",\"score\":1.0},{\"itemId\":\"b1\",\"title\":\"Item 1\","
                + "\"score\":0.5}],\"version\":\"for u7\"}", r.body());
        Metadata md = SEEN.get();
        assertTrue(md.containsKey(Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER)), "metadata: " + md);
        assertEquals(null, md.get(Metadata.Key.of("x-weft-identity", Metadata.ASCII_STRING_MARSHALLER)),
                "client copies of identity headers never reach the service");
    }

    @Test
    void aJsonBodyFillsTheRequestAndPathVariablesWin() throws Exception {
        RawHttp.Response r = edge.send("POST", "/api/recommendations/u8", "{\"userId\":\"someone-else\",\"limit\":1}",
                "content-type", "application/json");
        assertEquals(200, r.status(), r.body());
        assertTrue(r.body().contains("\"version\":\"for u8\"") && r.body().contains("\"itemId\":\"b0\"")
                && !r.body().contains("b1"), r.body());
    }

    @Test
    void grpcStatusesBecomeHttpStatuses() throws Exception {
        RawHttp.Response missing = edge.get("/api/recommendations/missing");
        assertEquals(404, missing.status(), missing.body());
        assertEquals("application/problem+json", missing.header("content-type").orElseThrow());
        assertEquals("5", missing.header("grpc-status").orElseThrow());
        assertTrue(missing.body().contains("shop.v1.Recommendations/Recommend failed: NOT_FOUND: no user missing"), missing.body());

        RawHttp.Response slow = edge.get("/api/recommendations/slow");
        assertEquals(504, slow.status(), slow.body());
        assertEquals("4", slow.header("grpc-status").orElseThrow(), "DEADLINE_EXCEEDED after the route's 300ms");
        assertEquals(1, RELEASE_SLOW.getCount(), "answered before the service did");

        RawHttp.Response gone = edge.get("/gone/x");
        assertEquals(503, gone.status(), gone.body());
        assertEquals("14", gone.header("grpc-status").orElseThrow(), "UNAVAILABLE: nothing listens there");
    }

    @Test
    void inputThatDoesNotFitTheMessageIs400AndNeverReachesTheService() throws Exception {
        int before = CALLS.get();
        RawHttp.Response badJson = edge.send("POST", "/api/recommendations/u1", "{\"limit\":", "content-type", "application/json");
        assertEquals(400, badJson.status(), badJson.body());
        assertEquals("application/problem+json", badJson.header("content-type").orElseThrow());
        RawHttp.Response wrongType = edge.send("POST", "/api/recommendations/u1", "{\"limit\":\"many\"}");
        assertEquals(400, wrongType.status(), wrongType.body());
        assertTrue(wrongType.body().contains("shop.v1.RecommendRequest"), wrongType.body());
        RawHttp.Response unknownField = edge.send("POST", "/api/recommendations/u1", "{\"color\":\"red\"}");
        assertEquals(400, unknownField.status(), unknownField.body());
        RawHttp.Response unknownParam = edge.get("/api/recommendations/u1?colour=red");
        assertEquals(400, unknownParam.status(), unknownParam.body());
        assertTrue(unknownParam.body().contains("query parameter \\\"colour\\\""), unknownParam.body());
        RawHttp.Response tooDeep = edge.get("/api/recommendations/u1/extra");
        assertEquals(404, tooDeep.status(), tooDeep.body());
        assertEquals(before, CALLS.get());
    }

    @Test
    void aStreamingMethodOrABadPathVariableIsRefusedWithTheReason() throws Exception {
        try (EdgeFixture other = EdgeFixture.start(Clock.systemUTC())) {
            other.http2Cluster("recs", server.getPort()).routes(
                    EdgeFixture.route("stream", "/s/", "recs", transcode(method("StreamRecommendations"), "recs", "").build()));
            String nack = ProxyFixture.await(() -> String.join("\n", other.xds.nacks()), n -> !n.isEmpty());
            assertTrue(nack.contains("typed_per_filter_config[weft.edge.transcode]: method: "
                    + "\"shop.v1.Recommendations/StreamRecommendations\" streams (expected: a unary method)"), nack);
            other.routes(EdgeFixture.route("var", "/v/", "recs", transcode(RECOMMEND, "recs", "/v/{items}").build()));
            String second = ProxyFixture.await(() -> String.join("\n", other.xds.nacks()), n -> n.contains("{items}"));
            assertTrue(second.contains("path_template: {items} (expected: a singular scalar field of shop.v1.RecommendRequest)"),
                    second);
        }
    }
}
