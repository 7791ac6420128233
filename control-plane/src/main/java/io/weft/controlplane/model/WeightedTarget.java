package io.weft.controlplane.model;

import io.weft.proto.MeshNames;
import java.util.Objects;
import java.util.Optional;

/**
 * A destination of a route and its share of the traffic.
 *
 * @param service the destination service
 * @param version a version (subset) of it, by the endpoints' {@code version} label; empty for all
 * @param weight  the share, 0 to 100
 */
public record WeightedTarget(String service, Optional<String> version, int weight) {
    public WeightedTarget {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(version, "version");
    }

    public WeightedTarget(String service, int weight) {
        this(service, Optional.empty(), weight);
    }

    /** The name of the cluster this target is: {@code users} or {@code users|v2}. */
    public String cluster() {
        return version.map(v -> MeshNames.subsetCluster(service, v)).orElse(service);
    }
}
