package io.weft.controlplane.xds;

import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.weft.controlplane.model.ProxyNode;
import io.weft.proto.MeshNames;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One state-of-the-world ADS stream. Requests arrive serially on a gRPC thread; pushes arrive from
 * the server's push thread; both take {@link AdsStreamBase#lock}, never {@code synchronized}.
 *
 * <p>Protocol rules kept here: a request whose nonce is not the latest one sent for its type is
 * stale and ignored; a NACK is recorded and nothing is resent until the resources actually change
 * (resending what was just refused would loop); a changed subscription is always answered.
 */
final class SotwStream extends AdsStreamBase implements StreamObserver<DiscoveryRequest> {
    /** Push order: clusters before their endpoints, listeners before their routes (make before break). */
    // Secrets first: a rotated trust bundle must arrive before anything that relies on it.
    static final List<String> PUSH_ORDER = List.of(MeshNames.SECRET_TYPE, MeshNames.CLUSTER_TYPE, MeshNames.ENDPOINT_TYPE,
            MeshNames.LISTENER_TYPE, MeshNames.ROUTE_TYPE);

    private final ServerCallStreamObserver<DiscoveryResponse> out;
    private final Map<String, Sub> subs = new LinkedHashMap<>();

    /** One type's subscription and the bookkeeping of what was sent and acknowledged. */
    private static final class Sub extends TypeState {
        Set<String> names = Set.of();
    }

    SotwStream(XdsServer server, StreamObserver<DiscoveryResponse> out, String peerAddress) {
        super(server, peerAddress, "sotw");
        this.out = (ServerCallStreamObserver<DiscoveryResponse>) out;
    }

    @Override
    public void onNext(DiscoveryRequest req) {
        lock.lock();
        try {
            if (!identify(req.hasNode() ? req.getNode() : null, out)) {
                return;
            }
            String type = req.getTypeUrl();
            if (!SUPPORTED.contains(type)) {
                fail(out, "type_url: \"" + type + "\" (expected: one of " + SUPPORTED + ")");
                return;
            }
            Sub sub = subs.get(type);
            String nonce = req.getResponseNonce();
            if (sub != null && !nonce.isEmpty() && !nonce.equals(sub.sentNonce)) {
                return; // stale: an answer to a response that has since been superseded
            }
            if (sub != null && !nonce.isEmpty()) {
                answered(type, sub, req.hasErrorDetail() ? Optional.of(req.getErrorDetail()) : Optional.empty());
            }
            boolean wildcard = req.getResourceNamesList().contains("*")
                    || (req.getResourceNamesCount() == 0 && (sub == null ? isWildcardType(type) : sub.wildcard));
            Set<String> names = new TreeSet<>(req.getResourceNamesList());
            names.remove("*");
            if (sub == null || sub.wildcard != wildcard || !sub.names.equals(names)) {
                if (sub == null) {
                    sub = new Sub();
                    subs.put(type, sub);
                    // A proxy that reconnects announces the version it has: keep its endpoints while we warm up.
                    sub.heldForWarmUp = !req.getVersionInfo().isEmpty() && server.warmingUp();
                }
                sub.wildcard = wildcard;
                sub.names = Set.copyOf(names);
                send(type, sub, server.view(), true);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    void push(MeshView view, java.util.function.Consumer<Set<String>> sentTypes) {
        lock.lock();
        try {
            Set<String> sent = new java.util.HashSet<>();
            if (closed) {
                return;
            }
            for (String type : PUSH_ORDER) {
                Sub sub = subs.get(type);
                if (sub != null && send(type, sub, view, false)) {
                    sent.add(type);
                }
            }
            sentTypes.accept(sent); // under the lock: our ACKs cannot overtake it
        } finally {
            lock.unlock();
        }
    }

    private boolean send(String type, Sub sub, MeshView view, boolean always) {
        if (node == null || closed || holdEndpoints(type, sub)) {
            return false;
        }
        ResourceSet rs = view.subscribed(node, type, sub.wildcard, sub.names);
        if (!always && rs.version().equals(sub.sentVersion)) {
            return false;
        }
        DiscoveryResponse.Builder resp = DiscoveryResponse.newBuilder()
                .setTypeUrl(type)
                .setVersionInfo(rs.version())
                .setNonce(nextNonce());
        rs.resources().values().forEach(r -> resp.addResources(r.body()));
        sub.sent(rs.version(), resp.getNonce(), view.version());
        server.listener().pushed(node, type, rs.version(), view.version());
        out.onNext(resp.build());
        return true;
    }

    @Override
    public void onError(Throwable t) {
        close();
    }

    @Override
    public void onCompleted() {
        close();
        lock.lock();
        try {
            out.onCompleted();
        } finally {
            lock.unlock();
        }
    }

    @Override
    Map<String, Subscription> subscriptions() {
        lock.lock();
        try {
            Map<String, Subscription> out = new LinkedHashMap<>();
            subs.forEach((type, s) -> out.put(type, new Subscription(s.wildcard, s.names)));
            return out;
        } finally {
            lock.unlock();
        }
    }

    @Override
    ProxyStatus status() {
        lock.lock();
        try {
            Map<String, ProxyStatus.TypeStatus> types = new LinkedHashMap<>();
            subs.forEach((type, s) -> types.put(type, s.status(s.wildcard ? "*" : String.join(",", s.names))));
            return new ProxyStatus(node, connectedSince, protocol, types);
        } finally {
            lock.unlock();
        }
    }

    static boolean isWildcardType(String type) {
        return type.equals(MeshNames.LISTENER_TYPE) || type.equals(MeshNames.CLUSTER_TYPE);
    }

    Instant connectedSince() {
        return connectedSince;
    }
}
