package io.weft.sidecar.model;

import java.util.Objects;

/** A query parameter condition: present, or its (first) value matched as {@code kind} says. */
public record QueryParamSpec(String name, HeaderSpec.Kind kind, String value, boolean ignoreCase) {
    public QueryParamSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(value, "value");
    }
}
