package io.weft.controlplane.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Everything a request must satisfy for a route to apply. */
public record RouteMatch(PathMatch path, Optional<String> method, List<HeaderMatch> headers, List<QueryMatch> query) {
    public RouteMatch {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(method, "method");
        headers = List.copyOf(headers);
        query = List.copyOf(query);
    }

    public static RouteMatch any() {
        return new RouteMatch(PathMatch.prefix("/"), Optional.empty(), List.of(), List.of());
    }
}
