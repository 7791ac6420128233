package io.weft.sidecar.filter.authn;

import io.weft.sidecar.filter.FilterConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A route's authentication: the JWT providers and API keys it accepts and what it requires.
 *
 * @param apiKeyHeader lower-case name of the header carrying an API key
 */
public record AuthnConfig(List<JwtProvider> providers, List<ApiKey> apiKeys, String apiKeyHeader,
                          Requirement requirement) implements FilterConfig {
    public AuthnConfig {
        providers = List.copyOf(providers);
        apiKeys = List.copyOf(apiKeys);
        Objects.requireNonNull(apiKeyHeader, "apiKeyHeader");
        Objects.requireNonNull(requirement, "requirement");
    }

    /** Every header this config forwards upstream, which the edge strips from client input. */
    public Set<String> forwardedHeaders() {
        java.util.Set<String> out = new java.util.HashSet<>();
        providers.forEach(p -> out.addAll(p.claimHeaders().values()));
        return Set.copyOf(out);
    }

    public record JwtProvider(String name, String issuer, List<String> audiences, KeySource keys,
                              Duration clockSkew, Map<String, String> claimHeaders, int maxTokenBytes,
                              Set<String> algorithms) {
        public JwtProvider {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(issuer, "issuer");
            audiences = List.copyOf(audiences);
            Objects.requireNonNull(keys, "keys");
            Objects.requireNonNull(clockSkew, "clockSkew");
            claimHeaders = Map.copyOf(claimHeaders);
            algorithms = Set.copyOf(algorithms);
        }
    }

    /** Where a provider's public keys come from. */
    public sealed interface KeySource {
        record Uri(String uri, Duration refresh) implements KeySource {
        }

        record File(Path path, Duration refresh) implements KeySource {
        }

        record Inline(String jwks) implements KeySource {
        }
    }

    /** @param sha256 lower-case hex SHA-256 of the key */
    public record ApiKey(String id, String sha256, Set<String> scopes) {
        public ApiKey {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(sha256, "sha256");
            scopes = Set.copyOf(scopes);
        }
    }

    /**
     * @param authenticated whether a credential is needed at all
     * @param scopes        all needed
     * @param claims        claim → required value
     * @param accept        accepted provider names and/or {@code api-key}; empty accepts every configured one
     */
    public record Requirement(boolean authenticated, Set<String> scopes, Map<String, String> claims, Set<String> accept) {
        public Requirement {
            scopes = Set.copyOf(scopes);
            claims = Map.copyOf(claims);
            accept = Set.copyOf(accept);
        }
    }
}
