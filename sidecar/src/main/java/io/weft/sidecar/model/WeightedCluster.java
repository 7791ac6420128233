package io.weft.sidecar.model;

import java.util.Objects;

public record WeightedCluster(String cluster, int weight) {
    public WeightedCluster {
        Objects.requireNonNull(cluster, "cluster");
    }
}
