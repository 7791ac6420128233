package io.weft.controlplane.xds;

import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One incremental (delta) ADS stream: the server keeps, per type, which resource versions the
 * proxy has ({@link TypeState#known}), and sends only what was added or changed, plus the names that
 * went away. A NACKed resource is not resent until its content changes again.
 */
final class DeltaStream extends AdsStreamBase implements StreamObserver<DeltaDiscoveryRequest> {
    private final StreamObserver<DeltaDiscoveryResponse> out;

    DeltaStream(XdsServer server, StreamObserver<DeltaDiscoveryResponse> out, String peerAddress) {
        super(server, out, peerAddress, "delta");
        this.out = out;
    }

    @Override
    public void onNext(DeltaDiscoveryRequest req) {
        serve(req.hasNode() ? req.getNode() : null, req.getTypeUrl(), () -> request(req));
    }

    /** Caller holds the lock; the node and type are checked. */
    private void request(DeltaDiscoveryRequest req) {
        String type = req.getTypeUrl();
        TypeState sub = subs.get(type);
        boolean first = sub == null;
        if (first) {
            sub = new TypeState();
            subs.put(type, sub);
            // The legacy wildcard: a first request for LDS/CDS that subscribes to nothing.
            sub.wildcard = req.getResourceNamesSubscribeCount() == 0 && isWildcardType(type);
            sub.known.putAll(req.getInitialResourceVersionsMap());
            // A proxy that reconnects announces what it has: keep its endpoints while we warm up.
            sub.heldForWarmUp = !req.getInitialResourceVersionsMap().isEmpty() && server.warmingUp();
        }
        if (!answer(type, sub, req.getResponseNonce(),
                req.hasErrorDetail() ? Optional.of(req.getErrorDetail()) : Optional.empty())) {
            return;
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
            sendChanges(type, sub, server.view());
        }
    }

    @Override
    boolean sendChanges(String type, TypeState sub, MeshView view) {
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
        resp.setSystemVersionInfo(version).setNonce(sending(type, sub, version, view));
        out.onNext(resp.build());
        return true;
    }
}
