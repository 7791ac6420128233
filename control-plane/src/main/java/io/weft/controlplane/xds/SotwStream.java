package io.weft.controlplane.xds;

import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One state-of-the-world ADS stream: every response of a type carries all the resources subscribed
 * to. Besides the rules of {@link AdsStreamBase}, a changed subscription is always answered.
 */
final class SotwStream extends AdsStreamBase implements StreamObserver<DiscoveryRequest> {
    private final StreamObserver<DiscoveryResponse> out;

    SotwStream(XdsServer server, StreamObserver<DiscoveryResponse> out, String peerAddress) {
        super(server, out, peerAddress, "sotw");
        this.out = out;
    }

    @Override
    public void onNext(DiscoveryRequest req) {
        serve(req.hasNode() ? req.getNode() : null, req.getTypeUrl(), () -> request(req));
    }

    /** Caller holds the lock; the node and type are checked. */
    private void request(DiscoveryRequest req) {
        String type = req.getTypeUrl();
        TypeState sub = subs.get(type);
        if (sub != null && !answer(type, sub, req.getResponseNonce(),
                req.hasErrorDetail() ? Optional.of(req.getErrorDetail()) : Optional.empty())) {
            return;
        }
        boolean wildcard = req.getResourceNamesList().contains("*")
                || (req.getResourceNamesCount() == 0 && (sub == null ? isWildcardType(type) : sub.wildcard));
        Set<String> names = new TreeSet<>(req.getResourceNamesList());
        names.remove("*");
        if (sub == null || sub.wildcard != wildcard || !sub.names.equals(names)) {
            if (sub == null) {
                sub = new TypeState();
                subs.put(type, sub);
                // A proxy that reconnects announces the version it has: keep its endpoints while we warm up.
                sub.heldForWarmUp = !req.getVersionInfo().isEmpty() && server.warmingUp();
            }
            sub.wildcard = wildcard;
            sub.names.clear();
            sub.names.addAll(names);
            send(type, sub, server.view(), true);
        }
    }

    @Override
    boolean sendChanges(String type, TypeState sub, MeshView view) {
        return send(type, sub, view, false);
    }

    private boolean send(String type, TypeState sub, MeshView view, boolean always) {
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
                .setNonce(sending(type, sub, rs.version(), view));
        rs.resources().values().forEach(r -> resp.addResources(r.body()));
        out.onNext(resp.build());
        return true;
    }
}
