package io.weft.examples.recommendations;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.stub.StreamObserver;
import io.weft.examples.common.AppArgs;
import io.weft.examples.shop.v1.Recommendation;
import io.weft.examples.shop.v1.RecommendRequest;
import io.weft.examples.shop.v1.RecommendResponse;
import io.weft.examples.shop.v1.RecommendationsGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The {@code recommendations} example service over gRPC, with the standard {@code grpc.health.v1.Health}
 * service and server reflection (so {@code grpcurl} can list and call it).
 */
public final class RecommendationsServer {
    private static final List<String[]> CATALOG = List.of(
            new String[] {"b3", "Designing Data-Intensive Applications"},
            new String[] {"b2", "Java Concurrency in Practice"},
            new String[] {"b1", "The Pragmatic Programmer"});

    private RecommendationsServer() {
    }

    public static Server start(int port, String version) throws IOException {
        HealthStatusManager health = new HealthStatusManager();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .addService(new Service(version))
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .build()
                .start();
        health.setStatus(RecommendationsGrpc.SERVICE_NAME, HealthCheckResponse.ServingStatus.SERVING);
        health.setStatus("", HealthCheckResponse.ServingStatus.SERVING);
        return server;
    }

    private static final class Service extends RecommendationsGrpc.RecommendationsImplBase {
        private final String version;

        Service(String version) {
            this.version = version;
        }

        @Override
        public void recommend(RecommendRequest req, StreamObserver<RecommendResponse> out) {
            if (req.getUserId().isEmpty()) {
                out.onError(Status.INVALID_ARGUMENT.withDescription("user_id: empty (expected: a user id)").asRuntimeException());
                return;
            }
            out.onNext(RecommendResponse.newBuilder().addAllItems(items(req)).setVersion(version).build());
            out.onCompleted();
        }

        @Override
        public void streamRecommendations(RecommendRequest req, StreamObserver<Recommendation> out) {
            items(req).forEach(out::onNext);
            out.onCompleted();
        }
    }

    static List<Recommendation> items(RecommendRequest req) {
        int limit = req.getLimit() <= 0 ? CATALOG.size() : Math.min(req.getLimit(), CATALOG.size());
        int seed = Math.floorMod(req.getUserId().hashCode(), CATALOG.size());
        return java.util.stream.IntStream.range(0, limit).mapToObj(i -> {
            String[] item = CATALOG.get((seed + i) % CATALOG.size());
            return Recommendation.newBuilder().setItemId(item[0]).setTitle(item[1]).setScore(1.0 - i * 0.1).build();
        }).toList();
    }

    public static void main(String[] args) throws Exception {
        AppArgs a = AppArgs.parse("recommendations", args, 8085);
        Server s = start(a.port(), a.version());
        Runtime.getRuntime().addShutdownHook(new Thread(s::shutdown));
        System.out.println("recommendations (gRPC) " + a.version() + " listening on 127.0.0.1:" + s.getPort());
        s.awaitTermination();
    }
}
