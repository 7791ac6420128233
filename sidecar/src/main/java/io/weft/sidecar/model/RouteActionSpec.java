package io.weft.sidecar.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/** What a route does with a request: forward it, redirect the caller, or answer directly. */
public sealed interface RouteActionSpec {

    /**
     * Send upstream.
     *
     * @param clusters      one or more destinations with weights
     * @param timeout       deadline for the whole exchange; empty: Envoy's default (15 s); zero: none
     * @param prefixRewrite replaces the matched prefix
     * @param regexRewrite  rewrites the path by regex (applied instead of the prefix rewrite)
     * @param hostRewrite   the Host / :authority to send instead of the caller's
     * @param retry         retry policy, if any
     * @param hashPolicies  what ring-hash balancing hashes on
     * @param mirrors       clusters that get a fire-and-forget copy of the request
     */
    record Forward(List<WeightedCluster> clusters, Optional<Duration> timeout, Optional<String> prefixRewrite,
                   Optional<RegexRewrite> regexRewrite, Optional<String> hostRewrite, Optional<RetryPolicySpec> retry,
                   List<HashPolicySpec> hashPolicies, List<MirrorSpec> mirrors) implements RouteActionSpec {
        public Forward {
            clusters = List.copyOf(clusters);
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(prefixRewrite, "prefixRewrite");
            Objects.requireNonNull(regexRewrite, "regexRewrite");
            Objects.requireNonNull(hostRewrite, "hostRewrite");
            Objects.requireNonNull(retry, "retry");
            hashPolicies = List.copyOf(hashPolicies);
            mirrors = List.copyOf(mirrors);
        }

        /** A forward to clusters with nothing else set. */
        public static Forward to(List<WeightedCluster> clusters) {
            return new Forward(clusters, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), List.of(), List.of());
        }
    }

    /** @param pattern a regex over the path; @param substitution its replacement ({@code \1} groups) */
    record RegexRewrite(String pattern, String substitution) {
    }

    /** @param percentPerMillion share of requests mirrored, in parts per million */
    record MirrorSpec(String cluster, int percentPerMillion) {
    }

    /**
     * Answer with a redirect. Empty parts keep the request's.
     *
     * @param pathRewrite   the whole path (with query unless stripped)
     * @param prefixRewrite replaces the matched prefix
     */
    record Redirect(Optional<String> scheme, Optional<String> host, OptionalInt port, Optional<String> pathRewrite,
                    Optional<String> prefixRewrite, int status, boolean stripQuery) implements RouteActionSpec {
    }

    /** Answer directly with a status and body. */
    record Direct(int status, String body) implements RouteActionSpec {
    }
}
