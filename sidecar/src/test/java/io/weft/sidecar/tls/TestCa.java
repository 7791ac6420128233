package io.weft.sidecar.tls;

import io.weft.controlplane.ca.CaOptions;
import io.weft.controlplane.ca.CertificateAuthority;
import io.weft.proto.identity.SpiffeId;
import java.time.Clock;
import java.time.Duration;

/** A real mesh CA in memory, and identities it signs directly (no gRPC), for TLS tests. */
final class TestCa {
    static final String TD = "weft.local";
    final CertificateAuthority ca;
    final Clock clock;

    TestCa(Clock clock) {
        this.clock = clock;
        this.ca = CertificateAuthority.open(TD, CaOptions.inMemory(), clock);
    }

    static SpiffeId id(String service) {
        return SpiffeId.of(TD, "default", service);
    }

    WorkloadIdentity identity(String service, Duration ttl) throws InterruptedException {
        SpiffeId id = id(service);
        return WorkloadIdentity.obtain(id, (csr, current) ->
                new WorkloadIdentity.Signed(ca.sign(csr, id, ttl), ca.trustBundle()), clock, Duration.ofSeconds(5));
    }

    MeshTls tls(WorkloadIdentity identity) {
        return new MeshTls(TD, identity::current, clock);
    }
}
