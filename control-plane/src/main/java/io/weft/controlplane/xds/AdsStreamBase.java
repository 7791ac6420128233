package io.weft.controlplane.xds;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.weft.controlplane.model.ProxyNode;
import io.weft.proto.MeshNames;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * What state-of-the-world and delta streams share: identity, lifecycle, lock, nonces, and per type URL
 * a {@link TypeState} with the ACK/NACK bookkeeping. Requests arrive serially on a gRPC thread; pushes
 * arrive from the server's push thread; both take {@link #lock}, never {@code synchronized}.
 *
 * <p>Protocol rules kept here: a request whose nonce is not the latest one sent for its type is stale
 * and ignored; a NACK is recorded and nothing is resent until the resources actually change
 * (resending what was just refused would loop).
 */
abstract class AdsStreamBase {
    static final Set<String> SUPPORTED = Set.of(MeshNames.LISTENER_TYPE, MeshNames.ROUTE_TYPE,
            MeshNames.CLUSTER_TYPE, MeshNames.ENDPOINT_TYPE, MeshNames.SECRET_TYPE);
    /** Push order: clusters before their endpoints, listeners before their routes (make before break). */
    // Secrets first: a rotated trust bundle must arrive before anything that relies on it.
    static final List<String> PUSH_ORDER = List.of(MeshNames.SECRET_TYPE, MeshNames.CLUSTER_TYPE, MeshNames.ENDPOINT_TYPE,
            MeshNames.LISTENER_TYPE, MeshNames.ROUTE_TYPE);

    final XdsServer server;
    final String peerAddress;
    final String protocol;
    final ReentrantLock lock = new ReentrantLock();
    final Instant connectedSince;
    /** Per type URL, in the order first asked for. Guarded by {@link #lock}. */
    final Map<String, TypeState> subs = new LinkedHashMap<>();
    ProxyNode node;
    boolean closed;
    private final StreamObserver<?> out;
    private long nonce;

    AdsStreamBase(XdsServer server, StreamObserver<?> out, String peerAddress, String protocol) {
        this.server = server;
        this.out = out;
        this.peerAddress = peerAddress;
        this.protocol = protocol;
        this.connectedSince = server.clock().instant();
    }

    /** Types a request that names no resource subscribes to as a wildcard (the legacy wildcard of LDS and CDS). */
    static boolean isWildcardType(String type) {
        return type.equals(MeshNames.LISTENER_TYPE) || type.equals(MeshNames.CLUSTER_TYPE);
    }

    /**
     * Sends what changed in {@code view} for one subscription, if anything did; returns whether a response
     * went out. Caller holds the lock.
     */
    abstract boolean sendChanges(String type, TypeState state, MeshView view);

    /**
     * Sends the view's changes for every subscription, then tells {@code sentTypes} (while still holding
     * the stream's lock) which types it sent a response for.
     */
    final void push(MeshView view, Consumer<Set<String>> sentTypes) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            Set<String> sent = new HashSet<>();
            for (String type : PUSH_ORDER) {
                TypeState state = subs.get(type);
                if (state != null && sendChanges(type, state, view)) {
                    sent.add(type);
                }
            }
            sentTypes.accept(sent); // under the lock: our ACKs cannot overtake it
        } finally {
            lock.unlock();
        }
    }

    /**
     * Serves one request under the lock, unless it must not be served: the first request must name the
     * node, and every request a supported type URL; otherwise the stream ends (when it has not already).
     */
    final void serve(Node reqNode, String type, Runnable handle) {
        lock.lock();
        try {
            if (!identify(reqNode)) {
                return;
            }
            if (!SUPPORTED.contains(type)) {
                fail("type_url: \"" + type + "\" (expected: one of " + SUPPORTED + ")");
                return;
            }
            handle.run();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Handles a request's {@code response_nonce}: returns false for a stale one (the request is ignored);
     * otherwise, when it answers the latest response, records the ACK or the NACK. Caller holds the lock.
     */
    boolean answer(String type, TypeState state, String nonce, Optional<com.google.rpc.Status> error) {
        if (state.stale(nonce)) {
            return false; // an answer to a response that has since been superseded
        }
        if (!nonce.isEmpty()) {
            answered(type, state, error);
        }
        return true;
    }

    /**
     * Records the proxy's answer to the response with {@code state.sentNonce}: an ACK, or a NACK with
     * its error (the proxy keeps its previous config; nothing is resent until the resources change).
     * Caller holds the lock.
     */
    private void answered(String type, TypeState state, Optional<com.google.rpc.Status> error) {
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

    /** Records a response about to go out and tells the server's listener; returns the response's nonce. Caller holds the lock. */
    String sending(String type, TypeState state, String version, MeshView view) {
        String n = Long.toString(++nonce);
        state.sent(version, n, view.version());
        server.listener().pushed(node, type, version, view.version());
        return n;
    }

    /** Whether endpoints must be held back from this subscription: the server warms up and the proxy has some. */
    boolean holdEndpoints(String type, TypeState state) {
        if (state.heldForWarmUp && !server.warmingUp()) {
            state.heldForWarmUp = false;
        }
        return type.equals(MeshNames.ENDPOINT_TYPE) && state.heldForWarmUp;
    }

    ProxyStatus status() {
        lock.lock();
        try {
            Map<String, ProxyStatus.TypeStatus> types = new LinkedHashMap<>();
            subs.forEach((type, s) -> types.put(type, s.status()));
            return new ProxyStatus(node, connectedSince, protocol, types);
        } finally {
            lock.unlock();
        }
    }

    /** What this stream subscribes to, per type: wildcard and names. Caller need not hold the lock. */
    Map<String, Subscription> subscriptions() {
        lock.lock();
        try {
            Map<String, Subscription> copy = new LinkedHashMap<>();
            subs.forEach((type, s) -> copy.put(type, s.subscription()));
            return copy;
        } finally {
            lock.unlock();
        }
    }

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
    private boolean identify(Node reqNode) {
        if (closed) {
            return false;
        }
        if (node != null) {
            return true;
        }
        if (reqNode == null) {
            fail("node: missing on the first request (expected: the proxy's node)");
            return false;
        }
        try {
            node = NodeParser.parse(reqNode, peerAddress);
        } catch (IllegalArgumentException e) {
            fail(e.getMessage());
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

    private void fail(String message) {
        close();
        out.onError(Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException());
    }

    /** The proxy ended the stream with an error (or it broke): forget it. */
    public void onError(Throwable t) {
        close();
    }

    /** The proxy ended the stream: forget it and end ours. */
    public void onCompleted() {
        close();
        lock.lock();
        try {
            out.onCompleted();
        } finally {
            lock.unlock();
        }
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
