package io.weft.sidecar.upstream;

import io.weft.sidecar.model.ClusterSpec;
import io.weft.sidecar.model.EndpointSpec;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cluster of one snapshot: its endpoints and its load balancer. Immutable apart from the
 * balancer's counter; thread-safe.
 */
public final class UpstreamCluster {
    private final ClusterSpec spec;
    private final EndpointSpec[] endpoints;
    private final AtomicInteger next = new AtomicInteger();

    public UpstreamCluster(ClusterSpec spec, List<EndpointSpec> endpoints) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.endpoints = endpoints.toArray(EndpointSpec[]::new);
    }

    public String name() {
        return spec.name();
    }

    public ClusterSpec spec() {
        return spec;
    }

    public List<EndpointSpec> endpoints() {
        return List.of(endpoints);
    }

    /** The next endpoint in round-robin order, or empty when the cluster has none. */
    public Optional<EndpointSpec> pick() {
        int n = endpoints.length;
        if (n == 0) {
            return Optional.empty();
        }
        return Optional.of(endpoints[Math.floorMod(next.getAndIncrement(), n)]);
    }
}
