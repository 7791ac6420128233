package io.weft.sidecar.upstream.client;

import java.util.Arrays;
import java.util.Optional;

/**
 * A response's status and header fields as received, names in lower case, in order. Built by a
 * connection while parsing; read-only afterwards.
 */
public final class ResponseHead {
    private final int status;
    private String[] names = new String[16];
    private String[] values = new String[16];
    private int size;

    public ResponseHead(int status) {
        this.status = status;
    }

    public void add(String lowerName, String value) {
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        names[size] = lowerName;
        values[size++] = value;
    }

    public int status() {
        return status;
    }

    public int size() {
        return size;
    }

    /** The lower-case name of field {@code i}. */
    public String name(int i) {
        return names[i];
    }

    public String value(int i) {
        return values[i];
    }

    /** The first value of a field, by lower-case name. */
    public Optional<String> first(String lowerName) {
        for (int i = 0; i < size; i++) {
            if (names[i].equals(lowerName)) {
                return Optional.of(values[i]);
            }
        }
        return Optional.empty();
    }
}
