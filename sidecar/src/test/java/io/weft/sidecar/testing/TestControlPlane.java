package io.weft.sidecar.testing;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.weft.proto.MeshNames;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A minimal state-of-the-world ADS server over real gRPC on loopback, serving exactly the Envoy
 * resources a test sets. Every {@link #set} bumps the version and pushes the changed type to every
 * stream. It records the NACKs it receives, so tests can assert what a proxy refused and why.
 */
public final class TestControlPlane implements AutoCloseable {
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Map<String, Any>> resources = new HashMap<>();
    private final Map<String, Long> versions = new HashMap<>();
    private final List<Stream> streams = new CopyOnWriteArrayList<>();
    private final List<String> nacks = new CopyOnWriteArrayList<>();
    private final List<DiscoveryRequest> requests = new CopyOnWriteArrayList<>();
    private final Server server;
    private long nonce;

    public TestControlPlane() throws IOException {
        for (String t : List.of(MeshNames.LISTENER_TYPE, MeshNames.ROUTE_TYPE, MeshNames.CLUSTER_TYPE, MeshNames.ENDPOINT_TYPE)) {
            resources.put(t, new LinkedHashMap<>());
            versions.put(t, 1L);
        }
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase() {
                    @Override
                    public StreamObserver<DiscoveryRequest> streamAggregatedResources(StreamObserver<DiscoveryResponse> out) {
                        Stream s = new Stream(out);
                        streams.add(s);
                        return s;
                    }
                })
                .build()
                .start();
    }

    public String address() {
        return "127.0.0.1:" + server.getPort();
    }

    /** Replaces every resource of the messages' types with these (other types are kept) and pushes. */
    public TestControlPlane set(Message... messages) {
        Map<String, Map<String, Any>> byType = new HashMap<>();
        for (Message m : messages) {
            byType.computeIfAbsent(typeOf(m), t -> new LinkedHashMap<>()).put(nameOf(m), Any.pack(m));
        }
        lock.lock();
        try {
            byType.forEach((type, rs) -> {
                resources.put(type, rs);
                versions.merge(type, 1L, Long::sum);
            });
        } finally {
            lock.unlock();
        }
        byType.keySet().forEach(type -> streams.forEach(s -> s.push(type)));
        return this;
    }

    /** Every NACK error message received so far. */
    public List<String> nacks() {
        return List.copyOf(nacks);
    }

    /** Every request received so far (subscriptions, ACKs and NACKs). */
    public List<DiscoveryRequest> requests() {
        return List.copyOf(requests);
    }

    private static String typeOf(Message m) {
        return switch (m) {
            case Listener l -> MeshNames.LISTENER_TYPE;
            case RouteConfiguration r -> MeshNames.ROUTE_TYPE;
            case Cluster c -> MeshNames.CLUSTER_TYPE;
            case ClusterLoadAssignment c -> MeshNames.ENDPOINT_TYPE;
            default -> throw new IllegalArgumentException(m.getClass() + " (expected: LDS, RDS, CDS or EDS resource)");
        };
    }

    private static String nameOf(Message m) {
        return switch (m) {
            case Listener l -> l.getName();
            case RouteConfiguration r -> r.getName();
            case Cluster c -> c.getName();
            case ClusterLoadAssignment c -> c.getClusterName();
            default -> throw new IllegalArgumentException(m.getClass().toString());
        };
    }

    private final class Stream implements StreamObserver<DiscoveryRequest> {
        private final StreamObserver<DiscoveryResponse> out;
        private final Map<String, Long> sent = new HashMap<>();
        private final Map<String, List<String>> subscribed = new HashMap<>();

        Stream(StreamObserver<DiscoveryResponse> out) {
            this.out = out;
        }

        @Override
        public void onNext(DiscoveryRequest req) {
            requests.add(req);
            if (req.hasErrorDetail()) {
                nacks.add(req.getErrorDetail().getMessage());
                return;
            }
            lock.lock();
            try {
                String type = req.getTypeUrl();
                List<String> names = req.getResourceNamesList();
                boolean changed = !names.equals(subscribed.get(type));
                subscribed.put(type, names);
                if (changed || !sent.containsKey(type)) {
                    sendLocked(type);
                }
            } finally {
                lock.unlock();
            }
        }

        void push(String type) {
            lock.lock();
            try {
                if (subscribed.containsKey(type)) {
                    sendLocked(type);
                }
            } finally {
                lock.unlock();
            }
        }

        private void sendLocked(String type) {
            long v = versions.get(type);
            List<String> names = subscribed.getOrDefault(type, List.of());
            List<Any> out = new ArrayList<>();
            resources.get(type).forEach((name, any) -> {
                if (names.isEmpty() || names.contains(name)) {
                    out.add(any);
                }
            });
            sent.put(type, v);
            this.out.onNext(DiscoveryResponse.newBuilder().setTypeUrl(type).setVersionInfo(String.valueOf(v))
                    .setNonce(String.valueOf(++nonce)).addAllResources(out).build());
        }

        @Override
        public void onError(Throwable t) {
            streams.remove(this);
        }

        @Override
        public void onCompleted() {
            streams.remove(this);
            out.onCompleted();
        }
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
