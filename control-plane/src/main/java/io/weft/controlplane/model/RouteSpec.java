package io.weft.controlplane.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One route of a virtual host.
 *
 * @param name     a name for status pages and access logs
 * @param match    what the request must look like
 * @param targets  where it goes, with weights (one target for a plain route)
 * @param timeout  the whole request's deadline, if any
 * @param rewrite  path and host rewrites
 * @param retry    the retry policy, if any
 * @param hashOn   what a ring-hash balancer hashes, if anything
 */
public record RouteSpec(String name, RouteMatch match, List<WeightedTarget> targets, Optional<Duration> timeout,
                        RewriteSpec rewrite, Optional<RetrySpec> retry, Optional<HashPolicy> hashOn) {
    public RouteSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(match, "match");
        targets = List.copyOf(targets);
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(rewrite, "rewrite");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(hashOn, "hashOn");
    }

    /** A plain route: everything to one service. */
    public static RouteSpec to(String name, String service) {
        return new RouteSpec(name, RouteMatch.any(), List.of(new WeightedTarget(service, 100)), Optional.empty(),
                RewriteSpec.NONE, Optional.empty(), Optional.empty());
    }
}
