package io.weft.sidecar.model;

import io.weft.sidecar.filter.authz.AuthzConfig;
import io.weft.sidecar.tls.MtlsMode;
import java.util.Objects;
import java.util.Optional;

/**
 * A listener as the control plane described it: which route configuration serves it, its mTLS mode
 * (empty when the control plane sent no TLS: a mesh without its CA) and its authorization rules.
 */
public record ListenerSpec(String name, String routeConfigName, Optional<MtlsMode> mtls, Optional<AuthzConfig> authz) {
    public ListenerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(routeConfigName, "routeConfigName");
        Objects.requireNonNull(mtls, "mtls");
        Objects.requireNonNull(authz, "authz");
    }

    public ListenerSpec(String name, String routeConfigName) {
        this(name, routeConfigName, Optional.empty(), Optional.empty());
    }
}
