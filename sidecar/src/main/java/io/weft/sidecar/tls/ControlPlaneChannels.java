package io.weft.sidecar.tls;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import io.weft.proto.identity.KeyMaterial;
import io.weft.proto.identity.ReloadableKeyManager;
import io.weft.proto.identity.SpiffeId;
import io.weft.proto.identity.SpiffeTrustManager;
import io.weft.proto.identity.TlsDefaults;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * gRPC channels to the control plane's TLS port. The server must prove it is the control plane of
 * the trust domain ({@code spiffe://<td>/ns/weft-system/sa/control-plane}) with a chain to the trust
 * bundle; the client presents the workload certificate when it has one (mTLS), none before.
 */
public final class ControlPlaneChannels {
    private ControlPlaneChannels() {
    }

    /**
     * @param target   host:port of the control plane's TLS port
     * @param bundle   the roots to verify the control plane with
     * @param material this workload's key and certificate; null until it has one
     */
    public static ManagedChannel open(String target, String trustDomain, Supplier<List<X509Certificate>> bundle,
                                      Supplier<KeyMaterial> material, Clock clock) {
        try {
            SslContextBuilder b = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
                    .keyManager(new ReloadableKeyManager(material))
                    .trustManager(SpiffeTrustManager.exactly(bundle, trustDomain, Set.of(SpiffeId.controlPlane(trustDomain)), clock))
                    .protocols(TlsDefaults.PROTOCOLS)
                    .ciphers(TlsDefaults.CIPHER_SUITES);
            return NettyChannelBuilder.forTarget(target)
                    .sslContext(b.build())
                    .keepAliveTime(30, TimeUnit.SECONDS)
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("TLS to the control plane at " + target + ": " + e.getMessage(), e);
        }
    }
}
