package io.weft.controlplane.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.weft.proto.MeshNames;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One simulated Weft sidecar on a real gRPC ADS stream: subscribes like the sidecar does (LDS and CDS
 * wildcard, then RDS and EDS by name), ACKs every response at once, and records bytes received and
 * when each RDS version arrived.
 */
final class SimulatedSidecar implements StreamObserver<DiscoveryResponse> {
    private final ReentrantLock lock = new ReentrantLock();
    private final StreamObserver<DiscoveryRequest> requests;
    private final Node node;
    private final Map<String, String> versions = new ConcurrentHashMap<>();
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong responses = new AtomicLong();
    /** RDS version → nanoTime its response was ACKed. */
    final Map<String, Long> rdsAckedAt = new ConcurrentHashMap<>();
    private volatile boolean edsSubscribed;

    SimulatedSidecar(ManagedChannel channel, String id, String service, int port) {
        this.node = Node.newBuilder().setId(id).setMetadata(Struct.newBuilder()
                .putFields(MeshNames.META_MODE, Value.newBuilder().setStringValue("sidecar").build())
                .putFields(MeshNames.META_SERVICE, Value.newBuilder().setStringValue(service).build())
                .putFields(MeshNames.META_ADDRESS, Value.newBuilder().setStringValue("127.0.0.1").build())
                .putFields(MeshNames.META_INBOUND_PORT, Value.newBuilder().setNumberValue(port).build())
                .putFields(MeshNames.META_OUTBOUND_PORT, Value.newBuilder().setNumberValue(15001).build())
                .putFields(MeshNames.META_APP_PORT, Value.newBuilder().setNumberValue(8080).build())).build();
        this.requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(this);
        lock.lock();
        try {
            requests.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(MeshNames.LISTENER_TYPE).build());
            requests.onNext(DiscoveryRequest.newBuilder().setTypeUrl(MeshNames.CLUSTER_TYPE).build());
            requests.onNext(DiscoveryRequest.newBuilder().setTypeUrl(MeshNames.ROUTE_TYPE)
                    .addResourceNames(MeshNames.INBOUND_LISTENER).addResourceNames(MeshNames.OUTBOUND_LISTENER).build());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onNext(DiscoveryResponse r) {
        bytes.addAndGet(r.getSerializedSize());
        responses.incrementAndGet();
        lock.lock();
        try {
            DiscoveryRequest.Builder ack = DiscoveryRequest.newBuilder().setTypeUrl(r.getTypeUrl())
                    .setVersionInfo(r.getVersionInfo()).setResponseNonce(r.getNonce());
            if (r.getTypeUrl().equals(MeshNames.ROUTE_TYPE)) {
                ack.addResourceNames(MeshNames.INBOUND_LISTENER).addResourceNames(MeshNames.OUTBOUND_LISTENER);
            } else if (r.getTypeUrl().equals(MeshNames.ENDPOINT_TYPE)) {
                ack.addAllResourceNames(edsNames);
            }
            requests.onNext(ack.build());
            versions.put(r.getTypeUrl(), r.getVersionInfo());
            if (r.getTypeUrl().equals(MeshNames.ROUTE_TYPE)) {
                rdsAckedAt.putIfAbsent(r.getVersionInfo(), System.nanoTime());
            }
            if (r.getTypeUrl().equals(MeshNames.CLUSTER_TYPE) && !edsSubscribed) {
                edsSubscribed = true;
                edsNames = edsNames(r.getResourcesList());
                requests.onNext(DiscoveryRequest.newBuilder().setTypeUrl(MeshNames.ENDPOINT_TYPE).addAllResourceNames(edsNames).build());
            }
        } finally {
            lock.unlock();
        }
    }

    private List<String> edsNames = List.of();

    private static List<String> edsNames(List<com.google.protobuf.Any> clusters) {
        TreeSet<String> out = new TreeSet<>();
        for (var a : clusters) {
            try {
                Cluster c = a.unpack(Cluster.class);
                if (c.hasEdsClusterConfig()) {
                    out.add(c.getEdsClusterConfig().getServiceName());
                }
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
            }
        }
        return List.copyOf(out);
    }

    String version(String type) {
        return versions.getOrDefault(type, "");
    }

    boolean synced() {
        return !version(MeshNames.LISTENER_TYPE).isEmpty() && !version(MeshNames.ROUTE_TYPE).isEmpty()
                && !version(MeshNames.CLUSTER_TYPE).isEmpty() && !version(MeshNames.ENDPOINT_TYPE).isEmpty();
    }

    @Override
    public void onError(Throwable t) {
    }

    @Override
    public void onCompleted() {
    }

    void close() {
        lock.lock();
        try {
            requests.onCompleted();
        } catch (RuntimeException e) {
            // already gone
        } finally {
            lock.unlock();
        }
    }
}
