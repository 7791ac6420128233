package io.weft.sidecar.model;

import java.util.Objects;

/**
 * How a route matches the path: by prefix, exactly, by a regex over the whole path, or by a prefix
 * that must end at a path separator ({@code /api} matches {@code /api} and {@code /api/x}, not {@code /apix}).
 */
public record PathSpec(Kind kind, String value, boolean caseSensitive) {
    public enum Kind { PREFIX, EXACT, REGEX, SEPARATED_PREFIX }

    public PathSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(value, "value");
    }
}
