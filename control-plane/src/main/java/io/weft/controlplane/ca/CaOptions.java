package io.weft.controlplane.ca;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the control plane's CA starts.
 *
 * @param stateDir     where a generated root (and the join-token key) is persisted; empty keeps them in memory
 * @param rootCert     an operator-provided root certificate (PEM); with {@code rootKey}
 * @param rootKey      its PKCS#8 private key (PEM)
 * @param workloadTtl  lifetime of workload certificates when the CSR asks for none (default 24h)
 * @param maxTtl       the longest lifetime the CA grants
 * @param securePort   the TLS port serving the certificate service and mTLS ADS (0 picks a free one)
 */
public record CaOptions(Optional<Path> stateDir, Optional<Path> rootCert, Optional<Path> rootKey,
                        Duration workloadTtl, Duration maxTtl, int securePort) {
    public CaOptions {
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(rootCert, "rootCert");
        Objects.requireNonNull(rootKey, "rootKey");
        Objects.requireNonNull(workloadTtl, "workloadTtl");
        Objects.requireNonNull(maxTtl, "maxTtl");
        if (rootCert.isPresent() != rootKey.isPresent()) {
            throw new IllegalArgumentException("--ca-cert and --ca-key: only one given (expected: both or neither)");
        }
        if (workloadTtl.compareTo(Duration.ofMinutes(1)) < 0 || workloadTtl.compareTo(maxTtl) > 0) {
            throw new IllegalArgumentException("workload certificate TTL " + workloadTtl + " (expected: from 1m to " + maxTtl + ")");
        }
        if (securePort < 0 || securePort > 65535) {
            throw new IllegalArgumentException("secure port " + securePort + " (expected: 0 to 65535)");
        }
    }

    /** In-memory root, 24h workload certificates (at most 7 days), any free secure port. */
    public static CaOptions inMemory() {
        return new CaOptions(Optional.empty(), Optional.empty(), Optional.empty(), Duration.ofHours(24), Duration.ofDays(7), 0);
    }

    public CaOptions withStateDir(Path dir) {
        return new CaOptions(Optional.of(dir), rootCert, rootKey, workloadTtl, maxTtl, securePort);
    }

    public CaOptions withWorkloadTtl(Duration ttl) {
        return new CaOptions(stateDir, rootCert, rootKey, ttl, maxTtl, securePort);
    }

    public CaOptions withSecurePort(int port) {
        return new CaOptions(stateDir, rootCert, rootKey, workloadTtl, maxTtl, port);
    }
}
