package io.weft.controlplane;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a control plane starts.
 *
 * @param meshConfig        the mesh YAML directory or file (with Consul KV: optional, seeds an empty prefix)
 * @param host              the address the xDS and admin ports bind to
 * @param xdsPort           the gRPC port for ADS (0 picks a free one)
 * @param adminPort         the admin HTTP port (0 picks a free one)
 * @param registrationGrace how long a sidecar stays an endpoint after its stream ends
 * @param debounce          how long changes are gathered before one rebuild
 * @param warmUp            after start, how long reconnecting proxies keep their endpoints while sidecars re-register
 * @param consul            Consul discovery (and, with a KV prefix, the config store), if configured
 * @param adminToken        the token the admin port (API and dashboard) requires; without one, a
 *                          loopback admin port needs none and any other gets a generated one
 */
public record ControlPlaneOptions(Optional<Path> meshConfig, String host, int xdsPort, int adminPort,
                                  Duration registrationGrace, Duration debounce, Duration warmUp,
                                  Optional<Consul> consul, Optional<String> adminToken) {
    public ControlPlaneOptions {
        Objects.requireNonNull(meshConfig, "meshConfig");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(registrationGrace, "registrationGrace");
        Objects.requireNonNull(debounce, "debounce");
        Objects.requireNonNull(warmUp, "warmUp");
        Objects.requireNonNull(consul, "consul");
        Objects.requireNonNull(adminToken, "adminToken");
        if (meshConfig.isEmpty() && consul.flatMap(Consul::kvPrefix).isEmpty()) {
            throw new IllegalArgumentException("meshConfig: missing (expected: a mesh YAML directory, or a Consul KV prefix)");
        }
    }

    public ControlPlaneOptions(Optional<Path> meshConfig, String host, int xdsPort, int adminPort,
                               Duration registrationGrace, Duration debounce, Duration warmUp, Optional<Consul> consul) {
        this(meshConfig, host, xdsPort, adminPort, registrationGrace, debounce, warmUp, consul, Optional.empty());
    }

    /**
     * @param address   the Consul HTTP API, e.g. {@code http://127.0.0.1:8500}
     * @param kvPrefix  where the mesh YAML lives in Consul KV (one key per file), if Consul is the config store
     * @param blockWait how long one blocking query waits for a change
     */
    public record Consul(URI address, Optional<String> kvPrefix, Duration blockWait) {
        public Consul {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(kvPrefix, "kvPrefix");
            Objects.requireNonNull(blockWait, "blockWait");
        }
    }

    public static ControlPlaneOptions defaults(Path meshConfig) {
        return new ControlPlaneOptions(Optional.of(meshConfig), "127.0.0.1", 15010, 15000, Duration.ofSeconds(10),
                Duration.ofMillis(20), Duration.ofSeconds(15), Optional.empty());
    }

    public ControlPlaneOptions withPorts(int xds, int admin) {
        return new ControlPlaneOptions(meshConfig, host, xds, admin, registrationGrace, debounce, warmUp, consul, adminToken);
    }

    public ControlPlaneOptions withConsul(Consul c) {
        return new ControlPlaneOptions(meshConfig, host, xdsPort, adminPort, registrationGrace, debounce, warmUp,
                Optional.of(c), adminToken);
    }

    public ControlPlaneOptions withWarmUp(Duration w) {
        return new ControlPlaneOptions(meshConfig, host, xdsPort, adminPort, registrationGrace, debounce, w, consul, adminToken);
    }

    /** The same options bound to {@code host} (xDS and admin) and requiring {@code token} on the admin port, if given. */
    public ControlPlaneOptions withAdmin(String host, Optional<String> token) {
        return new ControlPlaneOptions(meshConfig, host, xdsPort, adminPort, registrationGrace, debounce, warmUp, consul,
                token);
    }
}
