package io.weft.controlplane.model;

import java.util.Objects;

/** A query parameter a route requires: present, or with an exact, prefix or regex value. */
public record QueryMatch(String name, HeaderMatch.Kind kind, String value) {
    public QueryMatch {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(value, "value");
    }
}
