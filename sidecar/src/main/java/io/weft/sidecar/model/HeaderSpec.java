package io.weft.sidecar.model;

import java.util.Objects;

/**
 * A header condition. {@code kind} PRESENT ignores the value; {@code invert} negates the result.
 * The pseudo-header {@code :method} matches the request method.
 */
public record HeaderSpec(String name, Kind kind, String value, boolean invert) {
    public enum Kind { EXACT, PREFIX, SUFFIX, CONTAINS, REGEX, PRESENT }

    public HeaderSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(value, "value");
    }
}
