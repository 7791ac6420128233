package io.weft.sidecar.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.weft.sidecar.testing.ProxyFixture;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real grpc-java client → sidecar (h2c) → real grpc-java server: statuses and trailers arrive unchanged. */
class GrpcProxyingTest {
    private Server server;
    private ProxyFixture proxy;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new HealthGrpc.HealthImplBase() {
                    @Override
                    public void check(HealthCheckRequest req, StreamObserver<HealthCheckResponse> out) {
                        if (req.getService().equals("missing")) {
                            out.onError(Status.NOT_FOUND.withDescription("no such service: missing").asRuntimeException());
                            return;
                        }
                        out.onNext(HealthCheckResponse.newBuilder().setStatus(HealthCheckResponse.ServingStatus.SERVING).build());
                        out.onCompleted();
                    }

                    @Override
                    public void watch(HealthCheckRequest req, StreamObserver<HealthCheckResponse> out) {
                        for (var s : List.of(HealthCheckResponse.ServingStatus.NOT_SERVING, HealthCheckResponse.ServingStatus.SERVING,
                                HealthCheckResponse.ServingStatus.SERVICE_UNKNOWN)) {
                            out.onNext(HealthCheckResponse.newBuilder().setStatus(s).build());
                        }
                        out.onError(Status.RESOURCE_EXHAUSTED.withDescription("stream over").asRuntimeException());
                    }
                })
                .addService(io.grpc.protobuf.services.ProtoReflectionServiceV1.newInstance())
                .build().start();
        proxy = ProxyFixture.start();
        proxy.simpleService("grpc", server.getPort()).awaitRouted("grpc");
        channel = NettyChannelBuilder.forAddress("127.0.0.1", proxy.sidecar.outboundPort())
                .overrideAuthority("grpc").usePlaintext().build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        proxy.close();
        server.shutdownNow();
    }

    @Test
    void unaryCallSucceedsAndErrorStatusReachesTheCallerUnchanged() {
        var stub = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, stub.check(HealthCheckRequest.getDefaultInstance()).getStatus());
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> stub.check(HealthCheckRequest.newBuilder().setService("missing").build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), e.getStatus().toString());
        assertEquals("no such service: missing", e.getStatus().getDescription());
    }

    @Test
    void bidirectionalStreamPingPongsThroughTheProxy() throws Exception {
        BlockingQueue<Object> answers = new LinkedBlockingQueue<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .withDeadlineAfter(20, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse r) {
                        answers.add(r);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answers.add(t);
                    }

                    @Override
                    public void onCompleted() {
                        answers.add("completed");
                    }
                });
        // each request waits for its answer before the next is sent: only a full-duplex proxy passes this
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        Object first = answers.poll(10, TimeUnit.SECONDS);
        assertTrue(first instanceof ServerReflectionResponse r && r.getListServicesResponse().getServiceList().stream()
                .anyMatch(svc -> svc.getName().equals("grpc.health.v1.Health")), String.valueOf(first));
        requests.onNext(ServerReflectionRequest.newBuilder().setFileContainingSymbol("grpc.health.v1.Health").build());
        Object second = answers.poll(10, TimeUnit.SECONDS);
        assertTrue(second instanceof ServerReflectionResponse r && r.hasFileDescriptorResponse(), String.valueOf(second));
        requests.onCompleted();
        assertEquals("completed", answers.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void aCallIsRetriedOnAnotherEndpointWhenTheFirstRefusesTheConnectionOrAnswersUnavailable() throws Exception {
        int dead;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        Server unavailable = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new HealthGrpc.HealthImplBase() {
                    @Override
                    public void check(HealthCheckRequest req, StreamObserver<HealthCheckResponse> out) {
                        out.onError(Status.UNAVAILABLE.withDescription("overloaded").asRuntimeException());
                    }
                }).build().start();
        try {
            var route = io.weft.sidecar.testing.Xds.route("all", "/", "grpc");
            route.getRouteBuilder().setRetryPolicy(io.envoyproxy.envoy.config.route.v3.RetryPolicy.newBuilder()
                    .setRetryOn("unavailable").setNumRetries(com.google.protobuf.UInt32Value.of(3)));
            proxy.service("grpc", route.build(), io.weft.sidecar.testing.Xds.edsCluster("grpc").build(),
                    dead, unavailable.getPort(), server.getPort());
            int admin = proxy.sidecar.adminPort();
            String clusters = io.weft.sidecar.testing.ProxyFixture.await(
                    () -> io.weft.sidecar.testing.RawHttp.get(admin, "localhost", "/clusters").body(),
                    b -> b.contains(":" + dead) && b.contains(":" + unavailable.getPort()));
            assertTrue(clusters.contains(":" + dead), clusters);
            var stub = HealthGrpc.newBlockingStub(channel);
            for (int i = 0; i < 12; i++) { // round robin over the three: most calls need a retry
                HealthCheckResponse r = stub.withDeadlineAfter(10, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance());
                assertEquals(HealthCheckResponse.ServingStatus.SERVING, r.getStatus(), "call " + i);
            }
        } finally {
            unavailable.shutdownNow();
        }
    }

    @Test
    void serverStreamingDeliversEveryMessageThenTheTrailerStatus() {
        Iterator<HealthCheckResponse> it = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .watch(HealthCheckRequest.getDefaultInstance());
        List<HealthCheckResponse.ServingStatus> got = new ArrayList<>();
        StatusRuntimeException end = assertThrows(StatusRuntimeException.class, () -> it.forEachRemaining(r -> got.add(r.getStatus())));
        assertEquals(List.of(HealthCheckResponse.ServingStatus.NOT_SERVING, HealthCheckResponse.ServingStatus.SERVING,
                HealthCheckResponse.ServingStatus.SERVICE_UNKNOWN), got);
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, end.getStatus().getCode());
        assertEquals("stream over", end.getStatus().getDescription());
    }
}
