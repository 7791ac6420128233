package io.weft.controlplane.model;

import java.util.List;
import java.util.Objects;

/**
 * One authorization policy as the security team wrote it.
 *
 * @param name      unique name, shown in every log line it decides
 * @param namespace the namespace whose services it protects
 * @param to        the services it protects (empty: every service of the namespace)
 * @param action    ALLOW or DENY
 * @param dryRun    evaluate and log only
 * @param from      matching callers (empty: any caller)
 * @param paths     exact paths, {@code paths} or {@code prefixes}: any (both empty: any path)
 * @param prefixes  path prefixes
 * @param methods   HTTP methods (empty: any)
 * @param headers   header conditions, all must hold
 */
public record AuthzPolicySpec(String name, String namespace, List<String> to, Action action, boolean dryRun,
                              List<Principal> from, List<String> paths, List<String> prefixes, List<String> methods,
                              List<HeaderMatch> headers) {
    public enum Action { ALLOW, DENY }

    /** A caller matcher: a SPIFFE id exactly, a SPIFFE id prefix, a namespace, or a caller without a certificate. */
    public record Principal(Kind kind, String value) {
        public enum Kind { EXACT, PREFIX, NAMESPACE, UNAUTHENTICATED }

        public Principal {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(value, "value");
        }
    }

    public AuthzPolicySpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(namespace, "namespace");
        to = List.copyOf(to);
        Objects.requireNonNull(action, "action");
        from = List.copyOf(from);
        paths = List.copyOf(paths);
        prefixes = List.copyOf(prefixes);
        methods = List.copyOf(methods);
        headers = List.copyOf(headers);
    }

    public boolean protects(ServiceSpec service) {
        return service.namespace().equals(namespace) && (to.isEmpty() || to.contains(service.name()));
    }
}
