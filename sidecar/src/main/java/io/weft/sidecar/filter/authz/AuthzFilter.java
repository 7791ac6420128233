package io.weft.sidecar.filter.authz;

import io.weft.proto.identity.SpiffeId;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Authorizes a request at the inbound sidecar. The caller is the SPIFFE id of its verified
 * certificate, or none for a plaintext caller; no header can change who the caller is. DENY policies
 * are tried first (deny overrides allow), then ALLOW policies, then the namespace default.
 * Dry-run policies are evaluated and logged but never decide. Every denial and every dry-run
 * verdict is written to the {@code weft.access.authz} log naming the policy. Stateless; thread-safe.
 */
public final class AuthzFilter {
    private static final Logger LOG = System.getLogger("weft.access.authz");
    private final AuthzConfig config;

    private AuthzFilter(AuthzConfig config) {
        this.config = config;
    }

    public static AuthzFilter create(AuthzConfig config) {
        return new AuthzFilter(Objects.requireNonNull(config, "config"));
    }

    public AuthzConfig config() {
        return config;
    }

    /**
     * Decides one request.
     *
     * @param peer    the verified caller, empty for plaintext
     * @param headers header values by lower-case name
     */
    public AuthzDecision decide(Optional<SpiffeId> peer, String method, String path, Function<String, Optional<String>> headers) {
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
