package io.weft.controlplane.model;

import java.util.List;
import java.util.Objects;

/** A set of domains and the ordered routes that serve them; the first matching route wins. */
public record VirtualHostSpec(String name, List<String> domains, List<RouteSpec> routes) {
    public VirtualHostSpec {
        Objects.requireNonNull(name, "name");
        domains = List.copyOf(domains);
        routes = List.copyOf(routes);
    }
}
