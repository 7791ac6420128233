package io.weft.proto.identity;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A private key with its certificate chain (leaf first) and the roots to trust: everything a TLS
 * endpoint of the mesh needs. Immutable; a renewal makes a new instance.
 */
public record KeyMaterial(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> trustBundle) {
    public KeyMaterial {
        Objects.requireNonNull(key, "key");
        chain = List.copyOf(chain);
        trustBundle = List.copyOf(trustBundle);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("certificate chain: empty (expected: the leaf first)");
        }
        if (trustBundle.isEmpty()) {
            throw new IllegalArgumentException("trust bundle: empty (expected: at least one root)");
        }
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    public Instant notBefore() {
        return leaf().getNotBefore().toInstant();
    }

    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    public KeyMaterial withTrustBundle(List<X509Certificate> bundle) {
        return new KeyMaterial(key, chain, bundle);
    }
}
