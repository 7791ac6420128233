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

    private static final class Sub extends TypeState {
        final Set<String> names = new TreeSet<>();
        /** name → version the proxy has (or was last sent). */
        final Map<String, String> known = new HashMap<>();
        /** names the proxy was told do not exist; not repeated. */
        final Set<String> toldAbsent = new HashSet<>();
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
                // A proxy that reconnects announces what it has: keep its endpoints while we warm up.
                sub.heldForWarmUp = !req.getInitialResourceVersionsMap().isEmpty() && server.warmingUp();
            }
            String nonce = req.getResponseNonce();
            if (!nonce.isEmpty()) {
                if (!nonce.equals(sub.sentNonce)) {
                    return; // stale
                }
                answered(type, sub, req.hasErrorDetail() ? Optional.of(req.getErrorDetail()) : Optional.empty());
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
    void push(MeshView view, java.util.function.Consumer<Set<String>> sentTypes) {
        lock.lock();
        try {
            Set<String> sent = new HashSet<>();
            if (closed) {
                return;
            }
            for (String type : SotwStream.PUSH_ORDER) {
                Sub sub = subs.get(type);
                if (sub != null && send(type, sub, view)) {
                    sent.add(type);
                }
            }
            sentTypes.accept(sent); // under the lock: our ACKs cannot overtake it
        } finally {
            lock.unlock();
        }
    }

    private boolean send(String type, Sub sub, MeshView view) {
        if (holdEndpoints(type, sub)) {
            return false;
        }
        Map<String, XdsResource> current = view.subscribed(node, type, sub.wildcard, sub.names).resources();
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
            return false;
        }
        String version = ResourceSet.of(current.values()).version();
        resp.setSystemVersionInfo(version).setNonce(nextNonce());
        sub.sent(version, resp.getNonce(), view.version());
        server.listener().pushed(node, type, version, view.version());
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
            subs.forEach((type, s) -> out.put(type, new Subscription(s.wildcard, Set.copyOf(s.names))));
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
}
