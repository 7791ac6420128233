package io.weft.controlplane.model;

import java.util.Objects;

/**
 * A header (or, in {@link QueryMatch}, a query parameter) a route requires.
 *
 * @param name  the header name, lower case
 * @param kind  how the value is compared
 * @param value the expected value, prefix or regex; empty for {@link Kind#PRESENT}
 */
public record HeaderMatch(String name, Kind kind, String value) {
    public enum Kind { EXACT, PREFIX, REGEX, PRESENT }

    public HeaderMatch {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(value, "value");
    }
}
