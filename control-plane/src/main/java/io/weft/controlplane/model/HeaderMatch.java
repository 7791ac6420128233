package io.weft.controlplane.model;

import java.util.Objects;

/** A header a route requires: present with exactly this value ({@code exact}) or matching a regex. */
public record HeaderMatch(String name, String value, boolean regex) {
    public HeaderMatch {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
