package io.weft.sidecar;

import io.grpc.ManagedChannel;
import io.weft.proto.MeshNames;
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
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * A proxy's membership of a mesh with a CA: its identity (kept renewed), its TLS, the mTLS channel to
 * the control plane (ADS and reports) and the plaintext-caller reporter.
 */
record SidecarSecurity(WorkloadIdentity identity, MeshTls tls, ManagedChannel channel, PlaintextReporter reporter,
                       SnapshotHolder snapshots) implements AutoCloseable {
    private static final Duration JOIN_TIMEOUT = Duration.ofMinutes(2);

    static SidecarSecurity join(Bootstrap b, SecurityBootstrap sb, SnapshotHolder snapshots) {
        Clock clock = Clock.systemUTC();
        SpiffeId id = SpiffeId.of(sb.trustDomain(), b.namespace(), b.service());
        WorkloadIdentity identity;
        try {
            identity = WorkloadIdentity.obtain(id, new CertificateSigner(sb.controlPlane(), sb.trustDomain(), sb.trustBundle(),
                    sb.joinToken(), sb.certificateTtl(), clock), clock, JOIN_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while joining the mesh as " + id, e);
        }
        MeshTls tls = new MeshTls(sb.trustDomain(), identity::current, clock);
        ManagedChannel channel = ControlPlaneChannels.open(sb.controlPlane(), sb.trustDomain(), tls::trustBundle,
                identity::current, clock);
        return new SidecarSecurity(identity, tls, channel, new PlaintextReporter(channel, sb.reportInterval(), clock), snapshots);
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
        identity.close();
    }
}
