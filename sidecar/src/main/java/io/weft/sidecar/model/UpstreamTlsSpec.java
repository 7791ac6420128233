package io.weft.sidecar.model;

import io.weft.proto.identity.SpiffeId;
import java.util.Objects;
import java.util.Set;

/**
 * mTLS to a cluster's endpoints: present this workload's certificate and accept only a peer whose
 * SPIFFE id is one of {@code peers}.
 */
public record UpstreamTlsSpec(Set<SpiffeId> peers, String sni) {
    public UpstreamTlsSpec {
        peers = Set.copyOf(peers);
        Objects.requireNonNull(sni, "sni");
        if (peers.isEmpty()) {
            throw new IllegalArgumentException("upstream TLS: no expected peer identity (expected: at least one SPIFFE id)");
        }
    }
}
