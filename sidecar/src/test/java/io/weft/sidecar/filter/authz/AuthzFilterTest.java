package io.weft.sidecar.filter.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weft.proto.identity.SpiffeId;
import io.weft.sidecar.filter.authz.AuthzConfig.Action;
import io.weft.sidecar.filter.authz.AuthzConfig.HeaderRule;
import io.weft.sidecar.filter.authz.AuthzConfig.Policy;
import io.weft.sidecar.filter.authz.AuthzConfig.Principal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class AuthzFilterTest {
    static final Optional<SpiffeId> ORDERS = Optional.of(SpiffeId.of("weft.local", "shop", "orders"));
    static final Optional<SpiffeId> BATCH = Optional.of(SpiffeId.of("weft.local", "jobs", "batch"));

    static Policy policy(String name, Action action, boolean dry, List<Principal> from, List<String> prefixes, Set<String> methods,
                         List<HeaderRule> headers) {
        return new Policy(name, action, dry, from, prefixes.isEmpty() && methods.isEmpty() && headers.isEmpty() ? List.of()
                : List.of(new AuthzConfig.Operation(Set.of(), prefixes, methods, headers)));
    }

    static String decide(AuthzConfig c, Optional<SpiffeId> peer, String method, String path, Map<String, String> headers) {
        AuthzDecision d = new AuthzFilter(c).decide(peer, method, path, n -> Optional.ofNullable(headers.get(n)));
        return (d.allowed() ? "allow:" : "deny:") + d.policy() + (d.dryRun().isEmpty() ? "" : " " + d.dryRun());
    }

    @Test
    void denyOverridesAllowAndTheDefaultDecidesTheRest() {
        AuthzConfig c = new AuthzConfig("users", Action.DENY, List.of(
                policy("shop-reads", Action.ALLOW, false, List.of(new Principal(Principal.Kind.NAMESPACE, "shop")), List.of(),
                        Set.of("GET"), List.of()),
                policy("no-internal", Action.DENY, false, List.of(), List.of("/internal/"), Set.of(), List.of())));
        assertEquals("allow:shop-reads", decide(c, ORDERS, "GET", "/users/1", Map.of()));
        assertEquals("deny:no-internal", decide(c, ORDERS, "GET", "/internal/x", Map.of()));
        assertEquals("deny:default", decide(c, ORDERS, "POST", "/users/1", Map.of()));
        assertEquals("deny:default", decide(c, BATCH, "GET", "/users/1", Map.of()));
        assertEquals("deny:default", decide(c, Optional.empty(), "GET", "/users/1", Map.of()), "plaintext callers have no namespace");
    }

    @Test
    void exactPrefixUnauthenticatedAndHeaderMatchers() {
        AuthzConfig c = new AuthzConfig("users", Action.DENY, List.of(
                policy("exact", Action.ALLOW, false, List.of(new Principal(Principal.Kind.EXACT, "spiffe://weft.local/ns/jobs/sa/batch")),
                        List.of("/batch"), Set.of(), List.of()),
                policy("prefix", Action.ALLOW, false, List.of(new Principal(Principal.Kind.PREFIX, "spiffe://weft.local/ns/shop/")),
                        List.of(), Set.of(), List.of(new HeaderRule("x-tenant", Optional.empty(), Optional.empty(), Optional.of(Pattern.compile("acme|globex"))))),
                policy("health", Action.ALLOW, false, List.of(new Principal(Principal.Kind.UNAUTHENTICATED, "")),
                        List.of("/health"), Set.of(), List.of())));
        assertEquals("allow:exact", decide(c, BATCH, "GET", "/batch/run", Map.of()));
        assertEquals("deny:default", decide(c, BATCH, "GET", "/other", Map.of()));
        assertEquals("allow:prefix", decide(c, ORDERS, "GET", "/x", Map.of("x-tenant", "acme")));
        assertEquals("deny:default", decide(c, ORDERS, "GET", "/x", Map.of("x-tenant", "acme-evil")), "regex matches the whole value");
        assertEquals("allow:health", decide(c, Optional.empty(), "GET", "/health", Map.of()));
        assertEquals("deny:default", decide(c, ORDERS, "GET", "/health", Map.of()), "an authenticated caller is not unauthenticated");
    }

    @Test
    void dryRunPoliciesAreReportedButNeverDecide() {
        AuthzConfig c = new AuthzConfig("users", Action.ALLOW, List.of(
                policy("would-block-posts", Action.DENY, true, List.of(), List.of(), Set.of("POST"), List.of())));
        assertEquals("allow:default [would deny by would-block-posts]", decide(c, ORDERS, "POST", "/users", Map.of()));
        assertEquals("allow:default", decide(c, ORDERS, "GET", "/users", Map.of()));
    }
}
