package io.weft.sidecar.filter.aggregate;

import io.weft.sidecar.filter.FilterConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A route that composes its answer from several upstream calls.
 *
 * @param calls        in declared order; a call only reads from calls declared before it
 * @param partial      on a failed call, answer with what arrived and an {@code errors} object (else fail)
 * @param maxBodyBytes the largest answer read from one call
 */
public record AggregateConfig(List<Call> calls, boolean partial, int maxBodyBytes) implements FilterConfig {
    public AggregateConfig {
        calls = List.copyOf(calls);
    }

    /**
     * One upstream call.
     *
     * @param dependsOn indexes of the earlier calls its templates read from
     */
    public record Call(String name, String cluster, String method, Template path, Optional<Template> body, Duration timeout,
                       String authority, List<Integer> dependsOn) {
        public Call {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(cluster, "cluster");
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(authority, "authority");
            dependsOn = List.copyOf(dependsOn);
        }
    }
}
