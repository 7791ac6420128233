package io.weft.controlplane.ca;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.weft.proto.identity.SpiffeId;
import io.weft.proto.identity.SpiffeTrustManager;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Puts the caller's SPIFFE id in the gRPC context when it presented a workload certificate on the
 * secure port. The TLS layer has already verified the chain against the trust bundle; this only
 * reads the verified leaf, never anything the caller sends in metadata.
 */
public final class PeerIdentity {
    /** The verified caller, absent on plaintext calls and TLS calls without a client certificate. */
    public static final Context.Key<SpiffeId> KEY = Context.key("weft-peer-spiffe-id");

    private PeerIdentity() {
    }

    public static Optional<SpiffeId> current() {
        return Optional.ofNullable(KEY.get());
    }

    /** Reads the peer certificate of every call into {@link #KEY}. */
    public static ServerInterceptor interceptor() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                               ServerCallHandler<Q, R> next) {
                Optional<SpiffeId> id = fromSession(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
                if (id.isEmpty()) {
                    return next.startCall(call, headers);
                }
                return Contexts.interceptCall(Context.current().withValue(KEY, id.get()), call, headers, next);
            }
        };
    }

    /** Refuses calls without a verified workload certificate (mTLS ADS). */
    public static ServerInterceptor required(String what) {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                               ServerCallHandler<Q, R> next) {
                if (KEY.get() == null) {
                    System.getLogger(PeerIdentity.class.getName()).log(System.Logger.Level.WARNING,
                            what + ": refused a call from " + call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)
                                    + " without a workload certificate");
                    call.close(Status.UNAUTHENTICATED.withDescription(what
                            + " requires a workload certificate (expected: mTLS with a certificate from the mesh CA)"), new Metadata());
                    return new ServerCall.Listener<>() { };
                }
                return next.startCall(call, headers);
            }
        };
    }

    static Optional<SpiffeId> fromSession(SSLSession session) {
        if (session == null) {
            return Optional.empty();
        }
        try {
            var certs = session.getPeerCertificates();
            return certs.length > 0 && certs[0] instanceof X509Certificate leaf
                    ? SpiffeTrustManager.spiffeId(leaf) : Optional.empty();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
    }
}
