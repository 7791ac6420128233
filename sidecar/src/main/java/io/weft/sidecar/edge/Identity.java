package io.weft.sidecar.edge;

import io.weft.sidecar.filter.Exchange;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who an authenticated request comes from. The authentication filter leaves it on the exchange under
 * {@link #ATTRIBUTE} for later filters (rate limits per client, caching).
 *
 * @param subject  the JWT subject or the API key's id
 * @param method   how it was proven: a JWT provider's name, or {@code api-key}
 * @param scopes   granted scopes
 * @param claims   the JWT's claims as strings (list claims joined by a space); empty for API keys
 */
public record Identity(String subject, String method, Set<String> scopes, Map<String, String> claims) {
    public static final String API_KEY = "api-key";
    public static final Exchange.Attribute<Identity> ATTRIBUTE = Exchange.Attribute.create("identity", Identity.class);

    public Identity {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(method, "method");
        scopes = Set.copyOf(scopes);
        claims = Map.copyOf(claims);
    }
}
