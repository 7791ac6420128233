package io.weft.sidecar.filter.authn;

import com.nimbusds.jwt.SignedJWT;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.weft.sidecar.edge.Identity;
import io.weft.sidecar.filter.Exchange;
import io.weft.sidecar.filter.FilterChain;
import io.weft.sidecar.filter.HttpFilter;
import io.weft.sidecar.filter.ResponseFlag;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Authenticates a request by bearer JWT or API key and enforces the route's requirement: no or a bad
 * credential → 401 with {@code WWW-Authenticate}; a good one without the needed scopes or claims → 403.
 * On success the identity travels upstream in trusted headers.
 */
final class AuthnFilter implements HttpFilter {
    static final HeaderName IDENTITY = HeaderNames.create("x-weft-identity");
    static final HeaderName AUTH_METHOD = HeaderNames.create("x-weft-auth");
    static final HeaderName SCOPES = HeaderNames.create("x-weft-scopes");
    private static final String REALM = "Bearer realm=\"weft\"";

    private final List<JwtVerifier> verifiers;
    private final Map<String, Map<String, String>> claimHeaders;
    private final ApiKeys apiKeys;
    private final HeaderName apiKeyHeader;
    private final AuthnConfig.Requirement requirement;

    AuthnFilter(List<JwtVerifier> verifiers, Map<String, Map<String, String>> claimHeaders, ApiKeys apiKeys,
                String apiKeyHeader, AuthnConfig.Requirement requirement) {
        this.verifiers = List.copyOf(verifiers);
        this.claimHeaders = Map.copyOf(claimHeaders);
        this.apiKeys = apiKeys;
        this.apiKeyHeader = HeaderNames.create(apiKeyHeader);
        this.requirement = requirement;
    }

    @Override
    public void filter(Exchange ex, FilterChain chain) {
        Optional<String> authz = ex.header(HeaderNames.AUTHORIZATION);
        Optional<String> key = ex.header(apiKeyHeader);
        ex.upstreamHeaders().remove(apiKeyHeader); // the key is a secret of the client; upstreams get the identity
        Identity id;
        try {
            if (authz.isPresent() && authz.get().regionMatches(true, 0, "Bearer ", 0, 7) && !verifiers.isEmpty()) {
                id = verifyJwt(authz.get().substring(7).trim());
            } else if (key.isPresent() && !apiKeys.isEmpty()) {
                id = apiKeys.lookup(key.get()).orElseThrow(() -> new AuthFailure("unknown API key"));
            } else if (requirement.authenticated()) {
                refuse(ex, Status.UNAUTHORIZED_401, Optional.of(REALM), "credentials required (a bearer token"
                        + (apiKeys.isEmpty() ? "" : " or an API key in " + apiKeyHeader.lowerCase()) + ")");
                return;
            } else {
                chain.proceed();
                return;
            }
        } catch (AuthFailure e) {
            refuse(ex, Status.UNAUTHORIZED_401, Optional.of(REALM + ", error=\"invalid_token\", error_description=\""
                    + quoted(e.getMessage()) + "\""), "invalid credentials: " + e.getMessage());
            return;
        }
        Optional<String> refused = check(id);
        if (refused.isPresent()) {
            Optional<String> challenge = requirement.scopes().isEmpty() ? Optional.empty()
                    : Optional.of(REALM + ", error=\"insufficient_scope\", scope=\""
                    + String.join(" ", new TreeSet<>(requirement.scopes())) + "\"");
            refuse(ex, Status.FORBIDDEN_403, challenge, refused.get());
            return;
        }
        ex.attribute(Identity.ATTRIBUTE, id);
        var h = ex.upstreamHeaders();
        h.set(IDENTITY, id.subject());
        h.set(AUTH_METHOD, id.method());
        if (!id.scopes().isEmpty()) {
            h.set(SCOPES, String.join(" ", new TreeSet<>(id.scopes())));
        }
        claimHeaders.getOrDefault(id.method(), Map.of()).forEach((claim, header) -> {
            String v = id.claims().get(claim);
            if (v != null) {
                h.set(HeaderNames.create(header), v);
            }
        });
        chain.proceed();
    }

    private Identity verifyJwt(String token) throws AuthFailure {
        if (verifiers.size() == 1) {
            return verifiers.get(0).verify(token);
        }
        String iss;
        try {
            iss = token.length() > 65536 ? null : SignedJWT.parse(token).getJWTClaimsSet().getIssuer();
        } catch (ParseException e) {
            throw new AuthFailure("not a signed JWT (" + e.getMessage() + ")");
        }
        for (JwtVerifier v : verifiers) {
            if (v.issuer().equals(iss)) {
                return v.verify(token);
            }
        }
        throw new AuthFailure("issuer not accepted on this route");
    }

    private Optional<String> check(Identity id) {
        if (!requirement.accept().isEmpty() && !requirement.accept().contains(id.method())) {
            return Optional.of("credential kind \"" + id.method() + "\" not accepted here (expected one of "
                    + new TreeSet<>(requirement.accept()) + ")");
        }
        for (String s : requirement.scopes()) {
            if (!id.scopes().contains(s)) {
                return Optional.of("missing scope \"" + s + "\"");
            }
        }
        for (Map.Entry<String, String> c : requirement.claims().entrySet()) {
            String v = id.claims().get(c.getKey());
            if (v == null || !(v.equals(c.getValue()) || List.of(v.split(" ")).contains(c.getValue()))) {
                return Optional.of("claim \"" + c.getKey() + "\" must be \"" + c.getValue() + "\"");
            }
        }
        return Optional.empty();
    }

    /** 401 or 403 with the challenge (none for a 403 that is not about scopes). */
    private static void refuse(Exchange ex, Status status, Optional<String> challenge, String detail) {
        challenge.ifPresent(c -> ex.response().header(HeaderNames.WWW_AUTHENTICATE, c));
        ex.respond(status, ResponseFlag.UAEX, detail);
    }

    private static String quoted(String s) {
        return s.replace("\\", "").replace("\"", "'");
    }
}
