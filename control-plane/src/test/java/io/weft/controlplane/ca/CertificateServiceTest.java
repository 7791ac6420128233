package io.weft.controlplane.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.weft.controlplane.model.MeshConfig;
import io.weft.controlplane.model.MeshState;
import io.weft.controlplane.xds.XdsListener;
import io.weft.controlplane.xds.XdsServer;
import io.weft.proto.identity.Csr;
import io.weft.proto.identity.KeyMaterial;
import io.weft.proto.identity.Pem;
import io.weft.proto.identity.ReloadableKeyManager;
import io.weft.proto.identity.SpiffeId;
import io.weft.proto.identity.SpiffeTrustManager;
import io.weft.proto.v1.CertificateServiceGrpc;
import io.weft.proto.v1.SignRequest;
import io.weft.proto.v1.SignResponse;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The certificate service on the control plane's TLS port, called over real gRPC + TLS on loopback. */
class CertificateServiceTest {
    static final SpiffeId USERS = SpiffeId.of("weft.local", "default", "users");
    static final SpiffeId ORDERS = SpiffeId.of("weft.local", "default", "orders");

    CertificateAuthority ca;
    JoinTokens tokens;
    SecureEndpoint endpoint;
    final java.util.List<ManagedChannel> channels = new java.util.ArrayList<>();

    @BeforeEach
    void start() {
        ca = CertificateAuthority.open("weft.local", CaOptions.inMemory(), Clock.systemUTC());
        tokens = JoinTokens.random("weft.local", Clock.systemUTC());
        XdsServer xds = new XdsServer(MeshState.of(1, MeshConfig.empty(), Map.of()), new XdsListener() { }, Clock.systemUTC());
        endpoint = SecureEndpoint.start("127.0.0.1", 0, ca, tokens, xds.service(),
                new PlaintextCallers(Clock.systemUTC(), Duration.ofMinutes(10)), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        channels.forEach(ManagedChannel::shutdownNow);
        endpoint.close();
    }

    @Test
    void firstCertificateWithAJoinTokenThenRenewalWithTheCertificateItself() {
        KeyPair keys = Csr.newKeyPair();
        SignResponse first = stub(Optional.empty(), Optional.of(tokens.mint("default", "users", Duration.ofMinutes(5))))
                .sign(SignRequest.newBuilder().setCsrPem(Csr.pem(keys, USERS)).build());
        X509Certificate leaf = Pem.parseCertificates(first.getCertChainPem(0)).get(0);
        assertEquals(Optional.of(USERS), SpiffeTrustManager.spiffeId(leaf));
        assertEquals(ca.trustBundle(), Pem.parseCertificates(String.join("", first.getTrustBundlePemList())));

        KeyMaterial current = new KeyMaterial(keys.getPrivate(), List.of(leaf), ca.trustBundle());
        SignResponse renewed = stub(Optional.of(current), Optional.empty())
                .sign(SignRequest.newBuilder().setCsrPem(Csr.pem(Csr.newKeyPair(), USERS)).build());
        assertEquals(Optional.of(USERS), SpiffeTrustManager.spiffeId(Pem.parseCertificates(renewed.getCertChainPem(0)).get(0)));
    }

    @Test
    void csrForAnotherIdentityIsDeniedWhateverTheCredential() {
        String usersToken = tokens.mint("default", "users", Duration.ofMinutes(5));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () ->
                stub(Optional.empty(), Optional.of(usersToken)).sign(csr(ORDERS)));
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains(ORDERS.uri()), e.getStatus().getDescription());

        // a workload renewing with its certificate cannot switch identity by adding someone else's token
        KeyMaterial users = issue(USERS);
        String ordersToken = tokens.mint("default", "orders", Duration.ofMinutes(5));
        e = assertThrows(StatusRuntimeException.class, () -> stub(Optional.of(users), Optional.of(ordersToken)).sign(csr(ORDERS)));
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
    }

    @Test
    void noCredentialsOrABadTokenIsUnauthenticated() {
        assertEquals(Status.Code.UNAUTHENTICATED, assertThrows(StatusRuntimeException.class, () ->
                stub(Optional.empty(), Optional.empty()).sign(csr(USERS))).getStatus().getCode());
        String forged = JoinTokens.random("weft.local", Clock.systemUTC()).mint("default", "users", Duration.ofMinutes(5));
        assertEquals(Status.Code.UNAUTHENTICATED, assertThrows(StatusRuntimeException.class, () ->
                stub(Optional.empty(), Optional.of(forged)).sign(csr(USERS))).getStatus().getCode());
        // garbage CSR with a good token: a clear INVALID_ARGUMENT, and the service keeps serving
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub(Optional.empty(),
                Optional.of(tokens.mint("default", "users", Duration.ofMinutes(5))))
                .sign(SignRequest.newBuilder().setCsrPem("hello").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertEquals(1, stub(Optional.empty(), Optional.of(tokens.mint("default", "users", Duration.ofMinutes(5))))
                .sign(csr(USERS)).getCertChainPemCount());
    }

    @Test
    void aClientCertificateFromAnotherCaFailsTheHandshake() {
        CertificateAuthority other = CertificateAuthority.open("weft.local", CaOptions.inMemory(), Clock.systemUTC());
        KeyPair keys = Csr.newKeyPair();
        KeyMaterial foreign = new KeyMaterial(keys.getPrivate(), other.sign(Csr.pem(keys, USERS), USERS, Duration.ZERO),
                other.trustBundle());
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () ->
                stub(Optional.of(foreign), Optional.empty()).sign(csr(USERS)));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
    }

    @Test
    void adsOnTheSecurePortRequiresAWorkloadCertificate() throws Exception {
        assertEquals(Status.Code.UNAUTHENTICATED, adsFirstResponse(Optional.empty()).getCode());
        // with one, the stream is served (an empty mesh has no listeners, but the response comes)
        assertEquals(Status.Code.OK, adsFirstResponse(Optional.of(issue(USERS))).getCode());
    }

    @Test
    void adsNodeMustClaimTheIdentityOfItsCertificate() throws Exception {
        Status s = adsFirstResponse(Optional.of(issue(USERS)), "orders");
        assertEquals(Status.Code.PERMISSION_DENIED, s.getCode(), s.toString());
    }

    private Status adsFirstResponse(Optional<KeyMaterial> cert) throws Exception {
        return adsFirstResponse(cert, "users");
    }

    /** Opens an ADS stream claiming {@code service}; OK once a response arrives, else the error. */
    private Status adsFirstResponse(Optional<KeyMaterial> cert, String service) throws Exception {
        CompletableFuture<Status> result = new CompletableFuture<>();
        var requests = AggregatedDiscoveryServiceGrpc.newStub(channel(cert)).streamAggregatedResources(new StreamObserver<>() {
            @Override
            public void onNext(DiscoveryResponse value) {
                result.complete(Status.OK);
            }

            @Override
            public void onError(Throwable t) {
                result.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                result.complete(Status.OK);
            }
        });
        Node node = Node.newBuilder().setId(service + "-1").setCluster(service).setMetadata(com.google.protobuf.Struct.newBuilder()
                .putFields("weft.mode", com.google.protobuf.Value.newBuilder().setStringValue("sidecar").build())
                .putFields("weft.service", com.google.protobuf.Value.newBuilder().setStringValue(service).build())).build();
        requests.onNext(DiscoveryRequest.newBuilder().setNode(node)
                .setTypeUrl("type.googleapis.com/envoy.config.cluster.v3.Cluster").build());
        Status s = result.get(10, TimeUnit.SECONDS);
        requests.onCompleted();
        return s;
    }

    private KeyMaterial issue(SpiffeId id) {
        KeyPair keys = Csr.newKeyPair();
        return new KeyMaterial(keys.getPrivate(), ca.sign(Csr.pem(keys, id), id, Duration.ZERO), ca.trustBundle());
    }

    private static SignRequest csr(SpiffeId id) {
        return SignRequest.newBuilder().setCsrPem(Csr.pem(Csr.newKeyPair(), id)).build();
    }

    private CertificateServiceGrpc.CertificateServiceBlockingStub stub(Optional<KeyMaterial> cert, Optional<String> token) {
        var stub = CertificateServiceGrpc.newBlockingStub(channel(cert)).withDeadlineAfter(10, TimeUnit.SECONDS);
        if (token.isPresent()) {
            Metadata md = new Metadata();
            md.put(CertificateServiceImpl.AUTHORIZATION, "Bearer " + token.get());
            stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
        }
        return stub;
    }

    private ManagedChannel channel(Optional<KeyMaterial> cert) {
        try {
            SslContextBuilder b = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
                    .trustManager(SpiffeTrustManager.exactly(ca::trustBundle, "weft.local",
                            Set.of(SpiffeId.controlPlane("weft.local")), Clock.systemUTC()));
            cert.ifPresent(c -> b.keyManager(new ReloadableKeyManager(() -> c)));
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", endpoint.port()).sslContext(b.build()).build();
            channels.add(ch);
            return ch;
        } catch (javax.net.ssl.SSLException e) {
            throw new AssertionError(e);
        }
    }
}
