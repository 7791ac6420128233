package io.weft.sidecar.model;

import java.util.Objects;

/**
 * What a ring-hash cluster hashes on (Envoy {@code RouteAction.hash_policy}); the first policy that
 * yields a value is used unless an earlier one is terminal.
 *
 * @param name the header, cookie or query parameter name (unused for SOURCE_IP)
 */
public record HashPolicySpec(Kind kind, String name, boolean terminal) {
    public enum Kind { HEADER, COOKIE, QUERY_PARAMETER, SOURCE_IP }

    public HashPolicySpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
    }
}
