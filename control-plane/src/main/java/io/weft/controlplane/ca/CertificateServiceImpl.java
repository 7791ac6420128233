package io.weft.controlplane.ca;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.stub.StreamObserver;
import io.weft.proto.identity.Pem;
import io.weft.proto.identity.SpiffeId;
import io.weft.proto.v1.CertificateServiceGrpc;
import io.weft.proto.v1.SignRequest;
import io.weft.proto.v1.SignResponse;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;

/**
 * {@code weft.v1.CertificateService}: signs a workload's CSR for the identity the caller proves —
 * its current certificate (a renewal, over mTLS) or else a join token in
 * {@code authorization: Bearer <token>}. A CSR for any other identity is refused and logged.
 */
public final class CertificateServiceImpl extends CertificateServiceGrpc.CertificateServiceImplBase {
    private static final Logger LOG = System.getLogger(CertificateServiceImpl.class.getName());
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> TOKEN = Context.key("weft-join-token");

    private final CertificateAuthority ca;
    private final JoinTokens tokens;

    private CertificateServiceImpl(CertificateAuthority ca, JoinTokens tokens) {
        this.ca = Objects.requireNonNull(ca, "ca");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
    }

    /** The service with its interceptors; serve it only on the TLS port. */
    public static ServerServiceDefinition definition(CertificateAuthority ca, JoinTokens tokens) {
        ServerInterceptor bearer = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                               ServerCallHandler<Q, R> next) {
                String auth = headers.get(AUTHORIZATION);
                if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                    return next.startCall(call, headers);
                }
                return Contexts.interceptCall(Context.current().withValue(TOKEN, auth.substring(7).strip()), call, headers, next);
            }
        };
        return ServerInterceptors.intercept(new CertificateServiceImpl(ca, tokens), bearer, PeerIdentity.interceptor());
    }

    @Override
    public void sign(SignRequest request, StreamObserver<SignResponse> out) {
        String who = "?";
        try {
            SpiffeId caller = caller();
            who = caller.uri();
            var chain = ca.sign(request.getCsrPem(), caller, Duration.ofSeconds(request.getTtlSeconds()));
            SignResponse.Builder resp = SignResponse.newBuilder();
            chain.forEach(c -> resp.addCertChainPem(Pem.certificate(c)));
            ca.trustBundle().forEach(c -> resp.addTrustBundlePem(Pem.certificate(c)));
            out.onNext(resp.build());
            out.onCompleted();
        } catch (CaException e) {
            LOG.log(Level.WARNING, "CA: refused a signing request from " + who + ": " + e.getMessage());
            Status s = switch (e.reason()) {
                case INVALID -> Status.INVALID_ARGUMENT;
                case DENIED -> Status.PERMISSION_DENIED;
                case UNAUTHENTICATED -> Status.UNAUTHENTICATED;
            };
            out.onError(s.withDescription(e.getMessage()).asRuntimeException());
        }
    }

    /** The certificate wins over a token: a workload renewing cannot switch identity with a token. */
    private SpiffeId caller() {
        var fromCert = PeerIdentity.current();
        if (fromCert.isPresent()) {
            return fromCert.get();
        }
        String token = TOKEN.get();
        if (token == null) {
            throw new CaException(CaException.Reason.UNAUTHENTICATED,
                    "no credentials (expected: a workload certificate, or authorization: Bearer <join token>)");
        }
        return tokens.verify(token);
    }
}
