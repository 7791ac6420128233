package io.weft.sidecar.bootstrap;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * TLS termination on the edge's public port, from PEM files on the edge's host (the keys never travel
 * through the control plane).
 *
 * @param certificates   certificate and key files; the client's SNI name picks one by the names in the
 *                       certificate, the first is the default
 * @param httpPort       a plaintext port that redirects every request to HTTPS (-1: none, 0: any free port)
 * @param hstsMaxAge     {@code Strict-Transport-Security} max-age on every HTTPS response (zero: no header)
 * @param reloadInterval how often the files are checked for changes
 */
public record EdgeTls(List<CertificateFiles> certificates, int httpPort, Duration hstsMaxAge, Duration reloadInterval) {
    public static final Duration DEFAULT_HSTS = Duration.ofDays(365);
    public static final Duration DEFAULT_RELOAD = Duration.ofSeconds(5);

    public EdgeTls {
        certificates = List.copyOf(certificates);
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("tls: no certificate (expected: at least one cert.pem:key.pem)");
        }
        Objects.requireNonNull(hstsMaxAge, "hstsMaxAge");
        Objects.requireNonNull(reloadInterval, "reloadInterval");
    }

    /** A PEM certificate chain (leaf first) and its PKCS#8 private key. */
    public record CertificateFiles(Path cert, Path key) {
        public CertificateFiles {
            Objects.requireNonNull(cert, "cert");
            Objects.requireNonNull(key, "key");
        }
    }
}
