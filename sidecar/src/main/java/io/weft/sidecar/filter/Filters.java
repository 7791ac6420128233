package io.weft.sidecar.filter;

import java.util.List;

/** The compiled filter chain of one route, in order. Immutable and thread-safe. */
public final class Filters {
    private static final Filters NONE = new Filters(new HttpFilter[0], List.of());

    private final HttpFilter[] filters;
    private final List<String> names;

    private Filters(HttpFilter[] filters, List<String> names) {
        this.filters = filters;
        this.names = names;
    }

    public static Filters none() {
        return NONE;
    }

    /** A chain of filters with their names (the HCM filter names), in order. */
    public static Filters of(List<HttpFilter> filters, List<String> names) {
        if (filters.size() != names.size()) {
            throw new IllegalArgumentException("filters: " + filters.size() + " filters, " + names.size()
                    + " names (expected: one name per filter)");
        }
        return filters.isEmpty() ? NONE : new Filters(filters.toArray(HttpFilter[]::new), List.copyOf(names));
    }

    /** The filter names in order, for {@code /config_dump}. */
    public List<String> names() {
        return names;
    }

    HttpFilter[] array() {
        return filters;
    }
}
