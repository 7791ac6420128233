package io.weft.controlplane.xds;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.weft.proto.MeshNames;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A bare ADS client for protocol tests: send requests by hand, take responses with a deadline. */
public final class AdsTestClient<Q, R> implements AutoCloseable {
    private final LinkedBlockingQueue<R> responses = new LinkedBlockingQueue<>();
    private final StreamObserver<Q> requests;
    volatile Throwable error;

    private AdsTestClient(java.util.function.Function<StreamObserver<R>, StreamObserver<Q>> open) {
        this.requests = open.apply(new StreamObserver<>() {
            @Override
            public void onNext(R value) {
                responses.add(value);
            }

            @Override
            public void onError(Throwable t) {
                error = t;
            }

            @Override
            public void onCompleted() {
            }
        });
    }

    public static AdsTestClient<DiscoveryRequest, DiscoveryResponse> sotw(ManagedChannel channel) {
        return new AdsTestClient<>(AggregatedDiscoveryServiceGrpc.newStub(channel)::streamAggregatedResources);
    }

    public static AdsTestClient<DeltaDiscoveryRequest, DeltaDiscoveryResponse> delta(ManagedChannel channel) {
        return new AdsTestClient<>(AggregatedDiscoveryServiceGrpc.newStub(channel)::deltaAggregatedResources);
    }

    /** A Weft sidecar's node, announcing its service and ports. */
    public static Node sidecar(String id, String service, int inboundPort) {
        Struct md = Struct.newBuilder()
                .putFields(MeshNames.META_MODE, Value.newBuilder().setStringValue("sidecar").build())
                .putFields(MeshNames.META_SERVICE, Value.newBuilder().setStringValue(service).build())
                .putFields(MeshNames.META_ADDRESS, Value.newBuilder().setStringValue("127.0.0.1").build())
                .putFields(MeshNames.META_INBOUND_PORT, Value.newBuilder().setNumberValue(inboundPort).build())
                .putFields(MeshNames.META_OUTBOUND_PORT, Value.newBuilder().setNumberValue(15001).build())
                .putFields(MeshNames.META_APP_PORT, Value.newBuilder().setNumberValue(8080).build())
                .build();
        return Node.newBuilder().setId(id).setMetadata(md).build();
    }

    public void send(Q request) {
        requests.onNext(request);
    }

    public R take() throws InterruptedException {
        return next(Duration.ofSeconds(10)).orElseThrow(() -> new AssertionError("no response within 10s; error: " + error));
    }

    /** The next response, or empty when none arrives within {@code wait} (for "nothing is sent" checks). */
    public Optional<R> next(Duration wait) throws InterruptedException {
        return Optional.ofNullable(responses.poll(wait.toMillis(), TimeUnit.MILLISECONDS));
    }

    public static DiscoveryRequest request(Node node, String type, String version, String nonce, String... names) {
        DiscoveryRequest.Builder b = DiscoveryRequest.newBuilder().setTypeUrl(type).setVersionInfo(version)
                .setResponseNonce(nonce).addAllResourceNames(java.util.List.of(names));
        if (node != null) {
            b.setNode(node);
        }
        return b.build();
    }

    public static DiscoveryRequest ack(DiscoveryResponse r, String... names) {
        return request(null, r.getTypeUrl(), r.getVersionInfo(), r.getNonce(), names);
    }

    static Map<String, String> noVersions() {
        return Map.of();
    }

    @Override
    public void close() {
        try {
            requests.onCompleted();
        } catch (RuntimeException e) {
            // already closed
        }
    }
}
