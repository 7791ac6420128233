package io.weft.controlplane.model;

import java.util.Objects;

/** A destination service of a route and its share of the traffic. */
public record WeightedTarget(String service, int weight) {
    public WeightedTarget {
        Objects.requireNonNull(service, "service");
    }
}
