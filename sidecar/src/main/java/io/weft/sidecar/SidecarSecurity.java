package io.weft.sidecar;

import io.grpc.ManagedChannel;
import io.weft.proto.MeshNames;
import io.weft.proto.identity.KeyMaterial;
import io.weft.proto.identity.SpiffeId;
import io.weft.sidecar.bootstrap.Bootstrap;
import io.weft.sidecar.bootstrap.SecurityBootstrap;
import io.weft.sidecar.config.SnapshotHolder;
import io.weft.sidecar.model.ListenerSpec;
import io.weft.sidecar.tls.CertificateSigner;
import io.weft.sidecar.tls.ControlPlaneChannels;
import io.weft.sidecar.tls.MeshTls;
import io.weft.sidecar.tls.MtlsMode;
import io.weft.sidecar.tls.PlaintextReporter;
import io.weft.sidecar.tls.WorkloadIdentity;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A proxy's membership of a mesh with a CA: its identity (kept renewed), its TLS, the mTLS channel to
 * the control plane (ADS and reports) and the plaintext-caller reporter. Made before the ports bind
 * (so they bind at once, as without a CA); {@link #join()} then gets the first certificate. Until it
 * has one, inbound handshakes fail and nothing is sent to the control plane but the join itself.
 */
final class SidecarSecurity implements AutoCloseable {
    private static final Duration JOIN_TIMEOUT = Duration.ofMinutes(2);

    private final Bootstrap bootstrap;
    private final SecurityBootstrap sb;
    private final SnapshotHolder snapshots;
    private final Clock clock = Clock.systemUTC();
    private final AtomicReference<WorkloadIdentity> identity = new AtomicReference<>();
    private final MeshTls tls;
    private final ManagedChannel channel;
    private final PlaintextReporter reporter;

    private SidecarSecurity(Bootstrap bootstrap, SecurityBootstrap sb, SnapshotHolder snapshots) {
        this.bootstrap = bootstrap;
        this.sb = sb;
        this.snapshots = snapshots;
        this.tls = new MeshTls(sb.trustDomain(), this::material, clock);
        this.channel = ControlPlaneChannels.open(sb.controlPlane(), sb.trustDomain(), this::trustBundle, this::material, clock);
        this.reporter = new PlaintextReporter(channel, sb.reportInterval(), clock);
    }

    static SidecarSecurity prepare(Bootstrap b, SecurityBootstrap sb, SnapshotHolder snapshots) {
        return new SidecarSecurity(b, sb, snapshots);
    }

    /**
     * Gets the first certificate with the join token, waiting up to 2 minutes for the control plane.
     *
     * @throws IllegalStateException when none came
     */
    void join() {
        SpiffeId id = SpiffeId.of(sb.trustDomain(), bootstrap.namespace(), bootstrap.service());
        try {
            identity.set(WorkloadIdentity.obtain(id, new CertificateSigner(sb.controlPlane(), sb.trustDomain(), sb.trustBundle(),
                    sb.joinToken(), sb.certificateTtl(), clock), clock, JOIN_TIMEOUT));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while joining the mesh as " + id, e);
        }
    }

    WorkloadIdentity identity() {
        WorkloadIdentity w = identity.get();
        if (w == null) {
            throw new IllegalStateException("not joined yet");
        }
        return w;
    }

    boolean joined() {
        return identity.get() != null;
    }

    MeshTls tls() {
        return tls;
    }

    ManagedChannel channel() {
        return channel;
    }

    PlaintextReporter reporter() {
        return reporter;
    }

    /** Hands a trust bundle pushed over SDS to the identity. */
    void trustBundle(List<X509Certificate> bundle) {
        Optional.ofNullable(identity.get()).ifPresent(w -> w.trustBundle(bundle));
    }

    private KeyMaterial material() {
        WorkloadIdentity w = identity.get();
        return w == null ? null : w.current();
    }

    private List<X509Certificate> trustBundle() {
        KeyMaterial m = material();
        return m == null ? sb.trustBundle() : m.trustBundle();
    }

    /** The inbound listener's mode in the current config; STRICT until the first config says otherwise. */
    MtlsMode inboundMode() {
        return snapshots.current()
                .flatMap(s -> Optional.ofNullable(s.sources().listeners().get(MeshNames.INBOUND_LISTENER)))
                .flatMap(ListenerSpec::mtls)
                .orElse(MtlsMode.STRICT);
    }

    @Override
    public void close() {
        reporter.close();
        channel.shutdownNow();
        Optional.ofNullable(identity.get()).ifPresent(WorkloadIdentity::close);
    }
}
