package io.weft.controlplane.model;

import com.google.protobuf.Message;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * @param filters  edge filter configs by filter name ({@code weft.v1} messages), in chain order;
 *                 carried in {@code Route.typed_per_filter_config}
 */
public record RouteSpec(String name, RouteMatch match, List<WeightedTarget> targets, Optional<Duration> timeout,
                        RewriteSpec rewrite, Optional<RetrySpec> retry, Optional<HashPolicy> hashOn,
                        Map<String, Message> filters) {
    public RouteSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(match, "match");
        targets = List.copyOf(targets);
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(rewrite, "rewrite");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(hashOn, "hashOn");
        filters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(filters));
    }

    public RouteSpec(String name, RouteMatch match, List<WeightedTarget> targets, Optional<Duration> timeout,
                     RewriteSpec rewrite, Optional<RetrySpec> retry, Optional<HashPolicy> hashOn) {
        this(name, match, targets, timeout, rewrite, retry, hashOn, Map.of());
    }

    public RouteSpec withFilters(Map<String, Message> newFilters) {
        return new RouteSpec(name, match, targets, timeout, rewrite, retry, hashOn, newFilters);
    }

    /** A plain route: everything to one service. */
    public static RouteSpec to(String name, String service) {
        return new RouteSpec(name, RouteMatch.any(), List.of(new WeightedTarget(service, 100)), Optional.empty(),
                RewriteSpec.NONE, Optional.empty(), Optional.empty());
    }
}
