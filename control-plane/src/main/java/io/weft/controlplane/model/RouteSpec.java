package io.weft.controlplane.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One route of a virtual host.
 *
 * @param name          a name for status pages and access logs
 * @param match         what the request must look like
 * @param targets       where it goes, with weights (one target for a plain route)
 * @param timeout       the whole request's deadline, if any
 * @param prefixRewrite replaces the matched path prefix, if set
 */
public record RouteSpec(String name, RouteMatch match, List<WeightedTarget> targets,
                        Optional<Duration> timeout, Optional<String> prefixRewrite) {
    public RouteSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(match, "match");
        targets = List.copyOf(targets);
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(prefixRewrite, "prefixRewrite");
    }
}
