package io.weft.controlplane.ca;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import io.weft.proto.identity.KeyMaterial;
import io.weft.proto.identity.ReloadableKeyManager;
import io.weft.proto.identity.SpiffeId;
import io.weft.proto.identity.SpiffeTrustManager;
import io.weft.proto.identity.TlsDefaults;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The control plane's TLS port: the certificate service (first contact with a join token, no client
 * certificate yet), ADS over mTLS and the security reports (a workload certificate required). The control plane presents
 * its own certificate from the mesh CA ({@code spiffe://<td>/ns/weft-system/sa/control-plane}, plus
 * the host names it is reached at), re-issued at half its lifetime and after every root rotation step.
 * Client certificates are verified against the CA's current trust bundle on every handshake.
 */
public final class SecureEndpoint implements AutoCloseable {
    private static final Logger LOG = System.getLogger(SecureEndpoint.class.getName());
    private static final Duration SERVING_TTL = Duration.ofHours(24);

    private final CertificateAuthority ca;
    private final Clock clock;
    private final List<String> hostNames;
    private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("weft-cp-cert").factory());
    private final Server server;
    private volatile KeyMaterial serving;
    private volatile java.util.concurrent.ScheduledFuture<?> nextRenewal;

    private SecureEndpoint(String host, int port, CertificateAuthority ca, JoinTokens tokens, ServerServiceDefinition ads,
                           PlaintextCallers plaintext, Clock clock) throws IOException {
        this.ca = ca;
        this.clock = clock;
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1"));
        if (!host.equals("0.0.0.0") && !host.equals("::")) {
            names.add(host);
        }
        this.hostNames = List.copyOf(names);
        reissue();
        ca.onBundleChange(this::reissue);
        SslContext ssl = GrpcSslContexts.configure(SslContextBuilder.forServer(new ReloadableKeyManager(() -> serving)),
                        SslProvider.JDK)
                .trustManager(SpiffeTrustManager.anyWorkload(ca::trustBundle, ca.trustDomain(), clock))
                .clientAuth(ClientAuth.OPTIONAL)
                .protocols(TlsDefaults.PROTOCOLS)
                .ciphers(TlsDefaults.CIPHER_SUITES)
                .build();
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
                .sslContext(ssl)
                .addService(CertificateServiceImpl.definition(ca, tokens))
                .addService(SecurityReportServiceImpl.definition(plaintext))
                .addService(ServerInterceptors.intercept(ads, PeerIdentity.required("ADS"), PeerIdentity.interceptor()))
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .build()
                .start();
    }

    /**
     * Starts the TLS port.
     *
     * @param ads the ADS service definition (the same one the plaintext port serves)
     */
    public static SecureEndpoint start(String host, int port, CertificateAuthority ca, JoinTokens tokens,
                                       ServerServiceDefinition ads, PlaintextCallers plaintext, Clock clock) {
        try {
            return new SecureEndpoint(host, port, ca, tokens, ads, plaintext, clock);
        } catch (IOException e) {
            throw new UncheckedIOException("secure xDS port " + host + ":" + port + ": cannot bind (" + e.getMessage() + ")", e);
        }
    }

    public int port() {
        return server.getPort();
    }

    /** The control plane's current serving certificate, leaf first. */
    public KeyMaterial serving() {
        return serving;
    }

    private void reissue() {
        var pending = nextRenewal;
        if (pending != null) {
            pending.cancel(false);
        }
        try {
            KeyPair kp = RootCa.ecKeyPair();
            var cert = ca.issueServing(kp.getPublic(), SpiffeId.controlPlane(ca.trustDomain()), hostNames, SERVING_TTL);
            serving = new KeyMaterial(kp.getPrivate(), List.of(cert), ca.trustBundle());
            long half = Duration.between(clock.instant(), cert.getNotAfter().toInstant()).toMillis() / 2;
            nextRenewal = renewer.schedule(this::reissue, Math.max(half, 1000), TimeUnit.MILLISECONDS);
        } catch (GeneralSecurityException | RuntimeException e) {
            LOG.log(Level.ERROR, "control plane serving certificate: cannot issue (" + e.getMessage() + "); retrying in 10s");
            nextRenewal = renewer.schedule(this::reissue, 10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        renewer.shutdownNow();
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
