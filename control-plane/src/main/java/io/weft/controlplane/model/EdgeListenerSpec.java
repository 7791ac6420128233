package io.weft.controlplane.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A public listener of the edge gateway and the HTTP filters that run on it, in order.
 *
 * @param name    the listener name
 * @param port    the port; 0 means the edge's bootstrap port
 * @param tls     certificate and key files for TLS termination, if it terminates TLS
 * @param filters the filter chain, each a type and its settings (validated by the edge's filter factories)
 */
public record EdgeListenerSpec(String name, int port, Optional<Tls> tls, List<Filter> filters) {
    public EdgeListenerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tls, "tls");
        filters = List.copyOf(filters);
    }

    /** PEM files for one or more server names (SNI). */
    public record Tls(String certFile, String keyFile, List<String> serverNames) {
        public Tls {
            Objects.requireNonNull(certFile, "certFile");
            Objects.requireNonNull(keyFile, "keyFile");
            serverNames = List.copyOf(serverNames);
        }
    }

    /** One filter: its type ({@code jwt}, {@code rate-limit}, ...) and its settings as plain YAML values. */
    public record Filter(String type, Map<String, Object> config) {
        public Filter {
            Objects.requireNonNull(type, "type");
            config = Map.copyOf(config);
        }
    }
}
