package io.weft.controlplane.model;

import java.util.Objects;
import java.util.Optional;

/**
 * Settings shared by the services of one namespace.
 *
 * @param name         the namespace
 * @param mtls         its mTLS mode, overriding the mesh's
 * @param defaultAllow whether a request no authorization policy allows is let through
 */
public record NamespaceSpec(String name, Optional<MtlsMode> mtls, boolean defaultAllow) {
    public NamespaceSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mtls, "mtls");
    }
}
