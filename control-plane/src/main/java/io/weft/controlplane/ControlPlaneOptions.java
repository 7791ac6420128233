package io.weft.controlplane;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a control plane starts.
 *
 * @param meshConfig        the mesh YAML directory or file
 * @param host              the address the xDS and admin ports bind to
 * @param xdsPort           the gRPC port for ADS (0 picks a free one)
 * @param adminPort         the admin HTTP port (0 picks a free one)
 * @param registrationGrace how long a sidecar stays an endpoint after its stream ends
 * @param debounce          how long changes are gathered before one rebuild
 * @param adminToken        the token the admin port (API and dashboard) requires; without one, a
 *                          loopback admin port needs none and any other gets a generated one
 */
public record ControlPlaneOptions(Path meshConfig, String host, int xdsPort, int adminPort,
                                  Duration registrationGrace, Duration debounce, Optional<String> adminToken) {
    public ControlPlaneOptions {
        Objects.requireNonNull(meshConfig, "meshConfig");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(registrationGrace, "registrationGrace");
        Objects.requireNonNull(debounce, "debounce");
        Objects.requireNonNull(adminToken, "adminToken");
    }

    public ControlPlaneOptions(Path meshConfig, String host, int xdsPort, int adminPort,
                               Duration registrationGrace, Duration debounce) {
        this(meshConfig, host, xdsPort, adminPort, registrationGrace, debounce, Optional.empty());
    }

    public static ControlPlaneOptions defaults(Path meshConfig) {
        return new ControlPlaneOptions(meshConfig, "127.0.0.1", 15010, 15000, Duration.ofSeconds(10), Duration.ofMillis(20));
    }

    public ControlPlaneOptions withPorts(int xds, int admin) {
        return new ControlPlaneOptions(meshConfig, host, xds, admin, registrationGrace, debounce, adminToken);
    }

    /** The same options bound to {@code host} (xDS and admin) and requiring {@code token} on the admin port, if given. */
    public ControlPlaneOptions withAdmin(String host, Optional<String> token) {
        return new ControlPlaneOptions(meshConfig, host, xdsPort, adminPort, registrationGrace, debounce, token);
    }
}
