package io.weft.controlplane.model;

import java.util.Objects;

/** How a route matches the request path. */
public record PathMatch(Kind kind, String value) {
    public enum Kind { PREFIX, EXACT, REGEX }

    public PathMatch {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(value, "value");
    }

    public static PathMatch prefix(String value) {
        return new PathMatch(Kind.PREFIX, value);
    }
}
