package io.weft.sidecar.model;

import java.util.Objects;

/** How a route matches the path: by prefix, exactly, or by a regex over the whole path. */
public record PathSpec(Kind kind, String value, boolean caseSensitive) {
    public enum Kind { PREFIX, EXACT, REGEX }

    public PathSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(value, "value");
    }
}
