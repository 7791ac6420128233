package io.weft.sidecar.tls;

import io.helidon.common.tls.Tls;
import io.weft.proto.identity.KeyMaterial;
import io.weft.proto.identity.ReloadableKeyManager;
import io.weft.proto.identity.SpiffeId;
import io.weft.proto.identity.SpiffeTrustManager;
import io.weft.proto.identity.TlsDefaults;
import io.weft.sidecar.upstream.client.UpstreamTls;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * The sidecar's TLS, built once over its {@link WorkloadIdentity}'s current material: the inbound
 * listener's context (mTLS / plaintext detected per connection) and one client context per
 * destination identity, which refuses any peer that is not that identity. Contexts never need
 * rebuilding: key and trust managers read the current material on every handshake. Thread-safe.
 */
public final class MeshTls {
    private final String trustDomain;
    private final Supplier<KeyMaterial> material;
    private final Clock clock;
    private final Map<Set<SpiffeId>, UpstreamTls> upstream = new ConcurrentHashMap<>();
    private final Map<Set<SpiffeId>, Tls> helidon = new ConcurrentHashMap<>();

    /** @param material the workload's key and certificate; may supply null until the first one arrives */
    public MeshTls(String trustDomain, Supplier<KeyMaterial> material, Clock clock) {
        this.trustDomain = Objects.requireNonNull(trustDomain, "trustDomain");
        this.material = Objects.requireNonNull(material, "material");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public String trustDomain() {
        return trustDomain;
    }

    /** The trust bundle in force now; empty before the workload has its first certificate. */
    public List<X509Certificate> trustBundle() {
        KeyMaterial m = material.get();
        return m == null ? List.of() : m.trustBundle();
    }

    /**
     * Makes {@code listener} an inbound mesh listener: TLS through {@link #inbound(Supplier, InboundObserver)}
     * on byte sockets (the per-connection detection needs them; Helidon's NIO path would bypass it).
     */
    public <B extends io.helidon.webserver.ListenerConfig.BuilderBase<B, ?>> B configureInbound(
            B listener, Supplier<MtlsMode> mode, InboundObserver observer) {
        return listener.useNio(false).tls(inbound(mode, observer));
    }

    /** A server context accepting any workload of the trust domain; use through {@link #configureInbound}. */
    public Tls inbound(Supplier<MtlsMode> mode, InboundObserver observer) {
        SSLContext jsse = context(SpiffeTrustManager.anyWorkload(this::trustBundle, trustDomain, clock));
        return Tls.builder()
                .sslContext(new DetectingSslContext(jsse, mode, observer))
                .enabledProtocols(TlsDefaults.PROTOCOLS)
                .enabledCipherSuites(TlsDefaults.CIPHER_SUITES)
                .build();
    }

    /** TLS for upstream connections to {@code expected} (cached): any other peer fails the handshake. */
    public UpstreamTls upstream(Set<SpiffeId> expected) {
        return upstream.computeIfAbsent(Set.copyOf(expected), ids -> new UpstreamTls(
                ids.stream().map(SpiffeId::uri).sorted().toList().toString(), clientContext(ids).getSocketFactory(),
                TlsDefaults.parameters(false, List.of("http/1.1"))));
    }

    /** The same as a Helidon client TLS, for the edge's WebClient (cached): any other peer fails the handshake. */
    public Tls helidonUpstream(Set<SpiffeId> expected) {
        return helidon.computeIfAbsent(Set.copyOf(expected), ids -> Tls.builder()
                .sslContext(clientContext(ids))
                .enabledProtocols(TlsDefaults.PROTOCOLS)
                .enabledCipherSuites(TlsDefaults.CIPHER_SUITES)
                .endpointIdentificationAlgorithm(Tls.ENDPOINT_IDENTIFICATION_NONE) // the SPIFFE id is checked instead
                .build());
    }

    /** A plain JSSE client context for {@code expected} peers, presenting this workload's certificate. */
    public SSLContext clientContext(Set<SpiffeId> expected) {
        return context(SpiffeTrustManager.exactly(this::trustBundle, trustDomain, expected, clock));
    }

    /** The SPIFFE id of a verified peer chain (as Helidon reports it), if the connection was mTLS. */
    public static Optional<SpiffeId> peer(Optional<Certificate[]> chain) {
        if (chain.isEmpty() || chain.get().length == 0 || !(chain.get()[0] instanceof X509Certificate leaf)) {
            return Optional.empty();
        }
        return SpiffeTrustManager.spiffeId(leaf);
    }

    private SSLContext context(TrustManager trust) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(new KeyManager[] {new ReloadableKeyManager(material)}, new TrustManager[] {trust}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JSSE TLS context unavailable: " + e.getMessage(), e);
        }
    }
}
