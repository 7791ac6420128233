package io.weft.controlplane.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may call what. Enforced by the destination's inbound sidecar from the caller's verified
 * certificate. A DENY that matches wins over any ALLOW.
 *
 * @param name      the policy name, shown in access logs and denials
 * @param service   the destination service it guards; empty: every service of {@code namespace}
 * @param namespace the destination namespace
 * @param action    ALLOW or DENY
 * @param dryRun    evaluate and log ("would deny") without enforcing
 * @param from      the callers it applies to (any of them); empty: every caller
 * @param to        the requests it applies to (any of them); empty: every request
 */
public record AuthorizationPolicy(String name, Optional<String> service, String namespace, Action action, boolean dryRun,
                                  List<Source> from, List<Operation> to) {
    public enum Action { ALLOW, DENY }

    public AuthorizationPolicy {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(action, "action");
        from = List.copyOf(from);
        to = List.copyOf(to);
    }

    /** A caller: by exact SPIFFE id, SPIFFE id prefix, or namespace (one of them set). */
    public record Source(Optional<String> spiffeId, Optional<String> spiffePrefix, Optional<String> namespace) {
        public Source {
            Objects.requireNonNull(spiffeId, "spiffeId");
            Objects.requireNonNull(spiffePrefix, "spiffePrefix");
            Objects.requireNonNull(namespace, "namespace");
        }
    }

    /** A request: path prefixes or exact paths, methods and headers; empty lists match anything. */
    public record Operation(List<PathMatch> paths, List<String> methods, List<HeaderMatch> headers) {
        public Operation {
            paths = List.copyOf(paths);
            methods = List.copyOf(methods);
            headers = List.copyOf(headers);
        }
    }
}
