package io.weft.sidecar.edge;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who an authenticated request comes from.
 *
 * @param subject  the JWT subject or the API key's id
 * @param method   how it was proven: a JWT provider's name, or {@code api-key}
 * @param scopes   granted scopes
 * @param claims   the JWT's claims as strings (list claims joined by a space); empty for API keys
 */
public record Identity(String subject, String method, Set<String> scopes, Map<String, String> claims) {
    public static final String API_KEY = "api-key";

    public Identity {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(method, "method");
        scopes = Set.copyOf(scopes);
        claims = Map.copyOf(claims);
    }
}
