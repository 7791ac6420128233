package io.weft.sidecar.bootstrap;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a proxy needs to join a mesh that runs its CA. Without it the proxy runs plaintext, as in a
 * mesh without a CA.
 *
 * @param controlPlane   host:port of the control plane's TLS port (certificate service, mTLS ADS)
 * @param trustDomain    the mesh's SPIFFE trust domain
 * @param trustBundle    the CA root(s) the proxy trusts the control plane with on first contact
 * @param joinToken      proves the proxy's identity for its first certificate
 * @param certificateTtl the lifetime to ask for (zero: the CA's default, 24h)
 * @param reportInterval how often plaintext callers are reported to the control plane
 */
public record SecurityBootstrap(String controlPlane, String trustDomain, List<X509Certificate> trustBundle, String joinToken,
                                Duration certificateTtl, Duration reportInterval) {
    public SecurityBootstrap {
        Objects.requireNonNull(controlPlane, "controlPlane");
        Objects.requireNonNull(trustDomain, "trustDomain");
        trustBundle = List.copyOf(trustBundle);
        Objects.requireNonNull(joinToken, "joinToken");
        Objects.requireNonNull(certificateTtl, "certificateTtl");
        Objects.requireNonNull(reportInterval, "reportInterval");
        if (trustBundle.isEmpty()) {
            throw new IllegalArgumentException("--trust-bundle: no certificate (expected: the mesh CA's root, PEM)");
        }
        if (joinToken.isBlank()) {
            throw new IllegalArgumentException("--join-token: empty (expected: a token from the control plane)");
        }
    }

    public static SecurityBootstrap of(String controlPlane, String trustDomain, List<X509Certificate> trustBundle, String joinToken) {
        return new SecurityBootstrap(controlPlane, trustDomain, trustBundle, joinToken, Duration.ZERO, Duration.ofSeconds(5));
    }
}
