package io.weft.sidecar.tls;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.weft.proto.identity.KeyMaterial;
import io.weft.proto.identity.Pem;
import io.weft.proto.v1.CertificateServiceGrpc;
import io.weft.proto.v1.SignRequest;
import io.weft.proto.v1.SignResponse;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Gets CSRs signed by the control plane's certificate service: the first with the join token, every
 * renewal over mTLS with the current certificate. Each call opens its own short-lived channel, so
 * the handshake presents exactly the credential meant for it.
 */
public final class CertificateSigner implements WorkloadIdentity.Signer {
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private final String target;
    private final String trustDomain;
    private final List<X509Certificate> bootstrapBundle;
    private final String joinToken;
    private final Duration ttl;
    private final Clock clock;

    /**
     * @param target          host:port of the control plane's TLS port
     * @param bootstrapBundle the roots the sidecar was started with, to trust the control plane before it has its own bundle
     * @param ttl             requested certificate lifetime (zero: the CA's default)
     */
    public CertificateSigner(String target, String trustDomain, List<X509Certificate> bootstrapBundle, String joinToken,
                             Duration ttl, Clock clock) {
        this.target = Objects.requireNonNull(target, "target");
        this.trustDomain = Objects.requireNonNull(trustDomain, "trustDomain");
        this.bootstrapBundle = List.copyOf(bootstrapBundle);
        this.joinToken = Objects.requireNonNull(joinToken, "joinToken");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public WorkloadIdentity.Signed sign(String csrPem, Optional<KeyMaterial> current) {
        List<X509Certificate> trust = new ArrayList<>(bootstrapBundle);
        current.ifPresent(c -> c.trustBundle().stream().filter(r -> !trust.contains(r)).forEach(trust::add));
        ManagedChannel ch = ControlPlaneChannels.open(target, trustDomain, () -> trust, () -> current.orElse(null), clock);
        try {
            var stub = CertificateServiceGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS);
            if (current.isEmpty()) {
                Metadata md = new Metadata();
                md.put(AUTHORIZATION, "Bearer " + joinToken);
                stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
            }
            SignResponse r = stub.sign(SignRequest.newBuilder().setCsrPem(csrPem).setTtlSeconds(ttl.toSeconds()).build());
            List<X509Certificate> chain = new ArrayList<>();
            r.getCertChainPemList().forEach(p -> chain.addAll(Pem.parseCertificates(p)));
            List<X509Certificate> bundle = new ArrayList<>();
            r.getTrustBundlePemList().forEach(p -> bundle.addAll(Pem.parseCertificates(p)));
            return new WorkloadIdentity.Signed(chain, bundle);
        } catch (StatusRuntimeException e) {
            throw new IllegalStateException("certificate service at " + target + ": " + e.getStatus().getCode() + " "
                    + e.getStatus().getDescription(), e);
        } finally {
            ch.shutdownNow();
        }
    }
}
