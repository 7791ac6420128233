package io.weft.sidecar.filter.authz;

import io.weft.proto.identity.SpiffeId;
import io.weft.sidecar.filter.FilterConfig;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The compiled authorization rules of one inbound listener. Immutable; regexes are compiled when the
 * snapshot is built, never per request.
 *
 * @param service       the protected service, for logs
 * @param defaultAction what happens when no non-dry-run policy decides
 * @param policies      in the order the control plane sent them
 */
public record AuthzConfig(String service, Action defaultAction, List<Policy> policies) implements FilterConfig {
    public enum Action { ALLOW, DENY }

    public AuthzConfig {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(defaultAction, "defaultAction");
        policies = List.copyOf(policies);
    }

    /** A caller matcher, read only from the verified peer certificate. */
    public record Principal(Kind kind, String value) {
        public enum Kind { EXACT, PREFIX, NAMESPACE, UNAUTHENTICATED }

        boolean matches(Optional<SpiffeId> peer) {
            return switch (kind) {
                case UNAUTHENTICATED -> peer.isEmpty();
                case EXACT -> peer.map(p -> p.uri().equals(value)).orElse(false);
                case PREFIX -> peer.map(p -> p.uri().startsWith(value)).orElse(false);
                case NAMESPACE -> peer.map(p -> p.namespace().equals(value)).orElse(false);
            };
        }
    }

    /** A header condition: exact value, prefix, regex (whole value), or presence when all are empty. */
    public record HeaderRule(String name, Optional<String> exact, Optional<String> prefix, Optional<Pattern> regex) {
        boolean matches(Function<String, Optional<String>> headers) {
            Optional<String> v = headers.apply(name);
            if (v.isEmpty()) {
                return false;
            }
            return exact.map(e -> e.equals(v.get())).orElse(true) && prefix.map(p -> v.get().startsWith(p)).orElse(true)
                    && regex.map(r -> r.matcher(v.get()).matches()).orElse(true);
        }
    }

    /** A request condition: every non-empty part must match (each part: any of its entries; headers: all). */
    public record Operation(Set<String> paths, List<String> pathPrefixes, Set<String> methods, List<HeaderRule> headers) {
        public Operation {
            paths = Set.copyOf(paths);
            pathPrefixes = List.copyOf(pathPrefixes);
            methods = Set.copyOf(methods);
            headers = List.copyOf(headers);
        }

        boolean matches(String method, String path, Function<String, Optional<String>> headerValues) {
            if ((!paths.isEmpty() || !pathPrefixes.isEmpty())
                    && !paths.contains(path) && pathPrefixes.stream().noneMatch(path::startsWith)) {
                return false;
            }
            if (!methods.isEmpty() && !methods.contains(method)) {
                return false;
            }
            return headers.stream().allMatch(h -> h.matches(headerValues));
        }
    }

    /** A policy: any of its callers, any of its operations (an empty list matches everything). */
    public record Policy(String name, Action action, boolean dryRun, List<Principal> from, List<Operation> to) {
        public Policy {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(action, "action");
            from = List.copyOf(from);
            to = List.copyOf(to);
        }

        boolean matches(Optional<SpiffeId> peer, String method, String path, Function<String, Optional<String>> headerValues) {
            if (!from.isEmpty() && from.stream().noneMatch(p -> p.matches(peer))) {
                return false;
            }
            return to.isEmpty() || to.stream().anyMatch(o -> o.matches(method, path, headerValues));
        }
    }
}
