package io.weft.sidecar.model;

import java.util.List;
import java.util.Objects;

/** Domains (exact, {@code *.suffix}, {@code prefix*} or {@code *}) and their ordered routes. */
public record VirtualHostSpec(String name, List<String> domains, List<RouteSpec> routes) {
    public VirtualHostSpec {
        Objects.requireNonNull(name, "name");
        domains = List.copyOf(domains);
        routes = List.copyOf(routes);
    }
}
