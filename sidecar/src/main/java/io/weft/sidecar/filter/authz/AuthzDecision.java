package io.weft.sidecar.filter.authz;

import java.util.List;

/**
 * The outcome of authorizing one request.
 *
 * @param allowed whether the request goes on
 * @param policy  the policy that decided, or {@code "default"} for the namespace default
 * @param dryRun  what dry-run policies would have done ("would deny by no-admin")
 */
public record AuthzDecision(boolean allowed, String policy, List<String> dryRun) {
    public AuthzDecision {
        dryRun = List.copyOf(dryRun);
    }
}
