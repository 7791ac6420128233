package io.weft.controlplane.xds;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.weft.controlplane.model.ProxyNode;
import io.weft.proto.MeshNames;
import java.time.Instant;
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

    /** Sends the current view's changes for every subscription. */
    abstract void push(MeshView view);

    abstract ProxyStatus status();

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
