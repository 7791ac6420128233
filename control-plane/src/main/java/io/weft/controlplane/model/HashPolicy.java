package io.weft.controlplane.model;

import java.util.Objects;

/** What a ring-hash (consistent hash) load balancer hashes for a route: a header or a cookie. */
public record HashPolicy(Source source, String name) {
    public enum Source { HEADER, COOKIE }

    public HashPolicy {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(name, "name");
    }
}
