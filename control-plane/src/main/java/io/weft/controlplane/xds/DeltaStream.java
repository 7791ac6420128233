package io.weft.controlplane.xds;

import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.stub.StreamObserver;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One incremental (delta) ADS stream: the server keeps, per type, which resource versions the
 * proxy has, and sends only what was added or changed, plus the names that went away.
 * A NACKed resource is not resent until its content changes again.
 */
final class DeltaStream extends AdsStreamBase implements StreamObserver<DeltaDiscoveryRequest> {
    private final StreamObserver<DeltaDiscoveryResponse> out;
    private final Map<String, Sub> subs = new LinkedHashMap<>();

    private static final class Sub {
        boolean wildcard;
        final Set<String> names = new TreeSet<>();
        /** name → version the proxy has (or was last sent). */
        final Map<String, String> known = new HashMap<>();
        /** names the proxy was told do not exist; not repeated. */
        final Set<String> toldAbsent = new HashSet<>();
        String sentNonce = "";
        String sentVersion = "";
        long sentMeshVersion;
        String ackedVersion = "";
        long ackedMeshVersion = -1;
        Optional<ProxyStatus.Nack> lastNack = Optional.empty();
    }

    DeltaStream(XdsServer server, StreamObserver<DeltaDiscoveryResponse> out, String peerAddress) {
        super(server, peerAddress, "delta");
        this.out = out;
    }

    @Override
    public void onNext(DeltaDiscoveryRequest req) {
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
            boolean first = sub == null;
            if (first) {
                sub = new Sub();
                subs.put(type, sub);
                // The legacy wildcard: a first request for LDS/CDS that subscribes to nothing.
                sub.wildcard = req.getResourceNamesSubscribeCount() == 0 && SotwStream.isWildcardType(type);
                sub.known.putAll(req.getInitialResourceVersionsMap());
            }
            String nonce = req.getResponseNonce();
            if (!nonce.isEmpty()) {
                if (!nonce.equals(sub.sentNonce)) {
                    return; // stale
                }
                if (req.hasErrorDetail()) {
                    String msg = req.getErrorDetail().getMessage();
                    sub.lastNack = Optional.of(new ProxyStatus.Nack(sub.sentVersion, msg, server.clock().instant()));
                    server.listener().nacked(node, type, sub.sentVersion, msg);
                } else {
                    sub.ackedVersion = sub.sentVersion;
                    sub.ackedMeshVersion = sub.sentMeshVersion;
                    server.listener().acked(node, type, sub.sentVersion, sub.sentMeshVersion);
                }
            }
            boolean changed = first;
            for (String name : req.getResourceNamesSubscribeList()) {
                if (name.equals("*")) {
                    changed |= !sub.wildcard;
                    sub.wildcard = true;
                } else if (sub.names.add(name)) {
                    changed = true;
                }
            }
            for (String name : req.getResourceNamesUnsubscribeList()) {
                if (name.equals("*")) {
                    sub.wildcard = false;
                } else {
                    sub.names.remove(name);
                }
                sub.known.remove(name);
                sub.toldAbsent.remove(name);
            }
            if (changed) {
                send(type, sub, server.view());
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    void push(MeshView view) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            for (String type : SotwStream.PUSH_ORDER) {
                Sub sub = subs.get(type);
                if (sub != null) {
                    send(type, sub, view);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void send(String type, Sub sub, MeshView view) {
        Map<String, XdsResource> current = new HashMap<>();
        if (sub.wildcard) {
            current.putAll(view.wildcard(node, type).resources());
        }
        if (!sub.names.isEmpty()) {
            current.putAll(view.named(node, type, sub.names).resources());
        }
        DeltaDiscoveryResponse.Builder resp = DeltaDiscoveryResponse.newBuilder().setTypeUrl(type);
        for (XdsResource r : current.values()) {
            if (!r.version().equals(sub.known.get(r.name()))) {
                resp.addResources(Resource.newBuilder().setName(r.name()).setVersion(r.version()).setResource(r.body()));
                sub.known.put(r.name(), r.version());
                sub.toldAbsent.remove(r.name());
            }
        }
        for (String name : List.copyOf(sub.known.keySet())) {
            if (!current.containsKey(name)) {
                resp.addRemovedResources(name);
                sub.known.remove(name);
                sub.toldAbsent.add(name);
            }
        }
        for (String name : sub.names) {
            if (!current.containsKey(name) && sub.toldAbsent.add(name)) {
                resp.addRemovedResources(name); // tells the proxy at once that it does not exist
            }
        }
        if (resp.getResourcesCount() == 0 && resp.getRemovedResourcesCount() == 0) {
            return;
        }
        String version = ResourceSet.of(current.values()).version();
        resp.setSystemVersionInfo(version).setNonce(nextNonce());
        sub.sentNonce = resp.getNonce();
        sub.sentVersion = version;
        sub.sentMeshVersion = view.version();
        server.listener().pushed(node, type, version, view.version());
        out.onNext(resp.build());
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
    ProxyStatus status() {
        lock.lock();
        try {
            Map<String, ProxyStatus.TypeStatus> types = new LinkedHashMap<>();
            subs.forEach((type, s) -> types.put(type, new ProxyStatus.TypeStatus(
                    s.wildcard ? "*" : String.join(",", s.names), s.sentVersion, s.ackedVersion, s.ackedMeshVersion, s.lastNack)));
            return new ProxyStatus(node, connectedSince, protocol, types);
        } finally {
            lock.unlock();
        }
    }
}
