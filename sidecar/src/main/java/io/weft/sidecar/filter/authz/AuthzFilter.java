package io.weft.sidecar.filter.authz;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.weft.proto.identity.SpiffeId;
import io.weft.sidecar.filter.Exchange;
import io.weft.sidecar.filter.FilterChain;
import io.weft.sidecar.filter.HttpFilter;
import io.weft.sidecar.filter.ResponseFlag;
import io.weft.sidecar.tls.MeshTls;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Authorizes a request at the inbound sidecar. The caller is the SPIFFE id of its verified
 * certificate, or none for a plaintext caller; no header can change who the caller is. DENY policies
 * are tried first (deny overrides allow), then ALLOW policies, then the namespace default.
 * Dry-run policies are evaluated and logged but never decide. A denial answers 403 with the
 * {@code RBAC} flag; every denial and dry-run verdict is written to the {@code weft.access.authz} log
 * naming the policy. Requests that pass carry {@code x-forwarded-client-cert: URI=<caller>} to the app,
 * replacing whatever the caller sent. Stateless; thread-safe.
 */
final class AuthzFilter implements HttpFilter {
    private static final Logger LOG = System.getLogger("weft.access.authz");
    static final HeaderName XFCC = HeaderNames.create("x-forwarded-client-cert");
    private final AuthzConfig config;

    AuthzFilter(AuthzConfig config) {
        this.config = config;
    }

    @Override
    public void filter(Exchange ex, FilterChain chain) {
        Optional<SpiffeId> peer = MeshTls.peer(ex.peerCertificates());
        AuthzDecision d = decide(peer, ex.method(), ex.path(), name -> ex.header(HeaderNames.create(name)));
        ex.note("authz", (d.allowed() ? "allow " : "deny ") + d.policy());
        if (!d.allowed()) {
            ex.respond(Status.FORBIDDEN_403, ResponseFlag.RBAC, "access denied by policy " + d.policy() + " for "
                    + peer.map(SpiffeId::uri).orElse("a caller without a certificate"));
            return;
        }
        ex.upstreamHeaders().remove(XFCC);
        peer.ifPresent(p -> ex.upstreamHeaders().set(XFCC, "URI=" + p.uri()));
        chain.proceed();
    }

    /**
     * Decides one request.
     *
     * @param peer    the verified caller, empty for plaintext
     * @param headers header values by lower-case name
     */
    AuthzDecision decide(Optional<SpiffeId> peer, String method, String path, Function<String, Optional<String>> headers) {
        List<String> dry = new ArrayList<>();
        AuthzDecision d = evaluate(peer, method, path, headers, dry);
        String caller = peer.map(SpiffeId::uri).orElse("(plaintext, no identity)");
        for (String note : dry) {
            LOG.log(Level.INFO, "authz dry-run: " + note + ": " + caller + " -> " + config.service() + " " + method + " " + path);
        }
        if (!d.allowed()) {
            LOG.log(Level.WARNING, "authz DENY policy=" + d.policy() + " source=" + caller + " destination=" + config.service()
                    + " " + method + " " + path);
        }
        return d;
    }

    private AuthzDecision evaluate(Optional<SpiffeId> peer, String method, String path,
                                   Function<String, Optional<String>> headers, List<String> dry) {
        for (AuthzConfig.Policy p : config.policies()) {
            if (p.action() == AuthzConfig.Action.DENY && p.matches(peer, method, path, headers)) {
                if (p.dryRun()) {
                    dry.add("would deny by " + p.name());
                } else {
                    return new AuthzDecision(false, p.name(), dry);
                }
            }
        }
        for (AuthzConfig.Policy p : config.policies()) {
            if (p.action() == AuthzConfig.Action.ALLOW && p.matches(peer, method, path, headers)) {
                if (p.dryRun()) {
                    dry.add("would allow by " + p.name());
                } else {
                    return new AuthzDecision(true, p.name(), dry);
                }
            }
        }
        boolean allow = config.defaultAction() == AuthzConfig.Action.ALLOW;
        if (!allow && dry.stream().anyMatch(n -> n.startsWith("would allow"))) {
            dry.add("would deny by default");
        }
        return new AuthzDecision(allow, "default", dry);
    }
}
