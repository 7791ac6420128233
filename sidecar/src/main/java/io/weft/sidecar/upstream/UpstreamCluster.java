package io.weft.sidecar.upstream;

import io.weft.sidecar.model.ClusterSpec;
import io.weft.sidecar.model.EndpointSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A cluster as one snapshot sees it: its spec, its endpoints and a load balancer compiled over them,
 * backed by the long-lived {@link ClusterState}. Immutable apart from that state; thread-safe.
 */
public final class UpstreamCluster {
    private final ClusterSpec spec;
    private final EndpointState[] endpoints;
    private final LoadBalancer lb;
    private final ClusterState state;

    UpstreamCluster(ClusterSpec spec, EndpointState[] endpoints, LoadBalancer lb, ClusterState state) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.endpoints = endpoints;
        this.lb = lb;
        this.state = state;
    }

    public String name() {
        return spec.name();
    }

    public ClusterSpec spec() {
        return spec;
    }

    public ClusterState state() {
        return state;
    }

    public List<EndpointSpec> endpoints() {
        return Arrays.stream(endpoints).map(EndpointState::spec).toList();
    }

    /** An available endpoint chosen by the cluster's policy, for callers that do their own accounting (the edge). */
    public Optional<EndpointSpec> pick() {
        return pick(java.util.concurrent.ThreadLocalRandom.current().nextLong(), null).map(EndpointState::spec);
    }

    /**
     * An available endpoint chosen by the cluster's policy.
     *
     * @param hash  the request's hash (ring hash only)
     * @param avoid an endpoint to use only as a last resort (may be null)
     */
    public Optional<EndpointState> pick(long hash, EndpointState avoid) {
        return Optional.ofNullable(lb.pick(hash, avoid));
    }
}
