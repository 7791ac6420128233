package io.weft.controlplane.xds;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.weft.controlplane.model.ProxyNode;
import io.weft.proto.MeshNames;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/** What state-of-the-world and delta streams share: identity, lifecycle, lock and nonces. */
abstract class AdsStreamBase {
    static final Set<String> SUPPORTED = Set.of(MeshNames.LISTENER_TYPE, MeshNames.ROUTE_TYPE,
            MeshNames.CLUSTER_TYPE, MeshNames.ENDPOINT_TYPE, MeshNames.SECRET_TYPE);

    final XdsServer server;
    final String peerAddress;
    final String protocol;
    final ReentrantLock lock = new ReentrantLock();
    final Instant connectedSince;
    ProxyNode node;
    boolean closed;
    private long nonce;

    AdsStreamBase(XdsServer server, String peerAddress, String protocol) {
        this.server = server;
        this.peerAddress = peerAddress;
        this.protocol = protocol;
        this.connectedSince = server.clock().instant();
    }

    /**
     * Sends the view's changes for every subscription, then tells {@code sentTypes} (while still holding
     * the stream's lock) which types it sent a response for.
     */
    abstract void push(MeshView view, java.util.function.Consumer<Set<String>> sentTypes);

    /**
     * Records the proxy's answer to the response with {@code state.sentNonce}: an ACK, or a NACK with
     * its error (the proxy keeps its previous config; nothing is resent until the resources change).
     * Caller holds the lock.
     */
    void answered(String type, TypeState state, Optional<com.google.rpc.Status> error) {
        if (error.isPresent()) {
            String msg = error.get().getMessage();
            state.lastNack = Optional.of(new ProxyStatus.Nack(state.sentVersion, msg, server.clock().instant()));
            server.nacked(this, type, state.sentVersion, state.sentMeshVersion, msg);
        } else {
            state.ackedVersion = state.sentVersion;
            state.ackedMeshVersion = state.sentMeshVersion;
            server.acked(this, type, state.sentVersion, state.sentMeshVersion);
        }
    }

    /** Whether endpoints must be held back from this subscription: the server warms up and the proxy has some. */
    boolean holdEndpoints(String type, TypeState state) {
        if (state.heldForWarmUp && !server.warmingUp()) {
            state.heldForWarmUp = false;
        }
        return type.equals(MeshNames.ENDPOINT_TYPE) && state.heldForWarmUp;
    }

    abstract ProxyStatus status();

    /** What this stream subscribes to, per type: wildcard and names. Caller need not hold the lock. */
    abstract Map<String, Subscription> subscriptions();

    record Subscription(boolean wildcard, Set<String> names) {
    }

    /** What {@code candidate} would change for this proxy compared with {@code current}. */
    Optional<ConfigDiff> diff(MeshView current, MeshView candidate) {
        Map<String, ConfigDiff.Change> types = new java.util.TreeMap<>();
        subscriptions().forEach((type, sub) -> {
            Map<String, XdsResource> before = current.subscribed(node, type, sub.wildcard(), sub.names()).resources();
            Map<String, XdsResource> after = candidate.subscribed(node, type, sub.wildcard(), sub.names()).resources();
            List<String> added = after.keySet().stream().filter(n -> !before.containsKey(n)).sorted().toList();
            List<String> removed = before.keySet().stream().filter(n -> !after.containsKey(n)).sorted().toList();
            List<String> modified = after.entrySet().stream()
                    .filter(e -> before.containsKey(e.getKey()) && !before.get(e.getKey()).version().equals(e.getValue().version()))
                    .map(Map.Entry::getKey).sorted().toList();
            if (!added.isEmpty() || !removed.isEmpty() || !modified.isEmpty()) {
                types.put(type, new ConfigDiff.Change(added, removed, modified));
            }
        });
        return types.isEmpty() ? Optional.empty() : Optional.of(new ConfigDiff(node.id(), node.service(), types));
    }

    ProxyNode node() {
        return node;
    }

    /**
     * Reads the node from the stream's first request. Returns false (and ends the stream) when the
     * first request has no node or the node's metadata is malformed. Caller holds the lock.
     */
    boolean identify(Node reqNode, StreamObserver<?> out) {
        if (closed) {
            return false;
        }
        if (node != null) {
            return true;
        }
        if (reqNode == null) {
            fail(out, "node: missing on the first request (expected: the proxy's node)");
            return false;
        }
        try {
            node = NodeParser.parse(reqNode, peerAddress);
        } catch (IllegalArgumentException e) {
            fail(out, e.getMessage());
            return false;
        }
        var verified = io.weft.controlplane.ca.PeerIdentity.current();
        if (verified.isPresent() && node.mode() != ProxyNode.Mode.PROXYLESS
                && !(verified.get().service().equals(node.service()) && verified.get().namespace().equals(node.namespace()))) {
            String msg = "node " + node.id() + " claims " + node.namespace() + "/" + node.service()
                    + " but its certificate is " + verified.get() + " (expected: the identity of its certificate)";
            node = null;
            closed = true;
            System.getLogger(AdsStreamBase.class.getName()).log(System.Logger.Level.WARNING, "ADS refused: " + msg);
            out.onError(Status.PERMISSION_DENIED.withDescription(msg).asRuntimeException());
            return false;
        }
        server.opened(this);
        return true;
    }

    String nextNonce() {
        return Long.toString(++nonce);
    }

    void fail(StreamObserver<?> out, String message) {
        close();
        out.onError(Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException());
    }

    void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            lock.unlock();
        }
        if (node != null) {
            server.closed(this);
        }
    }
}
