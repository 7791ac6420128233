package io.weft.sidecar.filter;

import java.util.Objects;

/** A typed key for {@link Exchange#attribute}. Compare by identity: keep one constant per attribute. */
public final class Attribute<T> {
    private final String name;
    private final Class<T> type;

    private Attribute(String name, Class<T> type) {
        this.name = name;
        this.type = type;
    }

    public static <T> Attribute<T> create(String name, Class<T> type) {
        return new Attribute<>(Objects.requireNonNull(name, "name"), Objects.requireNonNull(type, "type"));
    }

    Class<T> type() {
        return type;
    }

    @Override
    public String toString() {
        return name;
    }
}
