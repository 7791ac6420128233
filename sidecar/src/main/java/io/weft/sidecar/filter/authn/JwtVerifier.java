package io.weft.sidecar.filter.authn;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.weft.sidecar.edge.Identity;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies bearer tokens of one provider with nimbus-jose-jwt: the token must be a JWS (never
 * {@code alg: none}) with one of the provider's asymmetric algorithms, signed by a key of its JWKS
 * selected by {@code kid} and key type, with the right issuer and audience and within exp/nbf
 * (allowing the clock skew). Thread-safe; the key set is read once per token.
 *
 * <p>A token whose signature and claims verified is remembered for up to {@link #REMEMBER} (at most
 * {@link #REMEMBERED} tokens), as Envoy's jwt_authn cache does: clients send the same token with many
 * requests, and a signature check costs far more than the rest of the edge's work. A remembered
 * token is still refused once it expires or before it is valid; a key removed from the set stops
 * being trusted for new tokens at once and for remembered ones within {@link #REMEMBER}.
 */
final class JwtVerifier {
    static final Duration REMEMBER = Duration.ofSeconds(60);
    static final int REMEMBERED = 10_000;

    private final AuthnConfig.JwtProvider provider;
    private final JwksSource keys;
    private final Set<JWSAlgorithm> algorithms;
    private final DefaultJWTClaimsVerifier<SecurityContext> claims;
    private final Clock clock;
    private final Cache<String, Verified> verified;
    private final Map<JWK, JWSVerifier> verifiers = new ConcurrentHashMap<>();

    /** A token that passed every check, with its time limits for re-checking. */
    private record Verified(Identity identity, Optional<Instant> notBefore, Optional<Instant> expires) {
    }

    JwtVerifier(AuthnConfig.JwtProvider provider, JwksSource keys, Clock clock) {
        this.provider = provider;
        this.keys = keys;
        this.clock = clock;
        this.verified = Caffeine.newBuilder().maximumSize(REMEMBERED).expireAfterWrite(REMEMBER)
                .ticker(() -> clock.millis() * 1_000_000L).build();
        Set<JWSAlgorithm> algs = new HashSet<>();
        provider.algorithms().forEach(a -> algs.add(JWSAlgorithm.parse(a)));
        this.algorithms = Set.copyOf(algs);
        JWTClaimsSet exact = new JWTClaimsSet.Builder().issuer(provider.issuer()).build();
        Set<String> aud = provider.audiences().isEmpty() ? null : Set.copyOf(provider.audiences());
        this.claims = new DefaultJWTClaimsVerifier<>(aud, exact, Set.of("exp", "sub"), Set.of()) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        this.claims.setMaxClockSkew((int) provider.clockSkew().toSeconds());
    }

    String issuer() {
        return provider.issuer();
    }

    /** Verifies a compact JWS; returns who it names or why it is refused. */
    Identity verify(String token) throws AuthFailure {
        if (token.length() > provider.maxTokenBytes()) {
            throw new AuthFailure("token longer than " + provider.maxTokenBytes() + " bytes");
        }
        Verified known = verified.getIfPresent(token);
        if (known != null) {
            Instant now = clock.instant();
            Duration skew = provider.clockSkew();
            if (known.expires().map(e -> now.isAfter(e.plus(skew))).orElse(false)) {
                verified.invalidate(token);
                throw new AuthFailure("Expired JWT");
            }
            if (known.notBefore().map(n -> now.isBefore(n.minus(skew))).orElse(false)) {
                throw new AuthFailure("JWT before use time");
            }
            return known.identity();
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new AuthFailure("not a signed JWT (" + e.getMessage() + ")");
        }
        JWSHeader header = jwt.getHeader();
        if (!algorithms.contains(header.getAlgorithm())) {
            throw new AuthFailure("algorithm " + header.getAlgorithm() + " not accepted (expected one of "
                    + algorithms.stream().map(JWSAlgorithm::getName).sorted().toList() + ")");
        }
        JWKSelector selector = new JWKSelector(JWKMatcher.forJWSHeader(header));
        List<JWK> candidates = selector.select(keys.keys());
        if (candidates.isEmpty()) {
            JWKSet fresh = keys.refreshForUnknownKid();
            candidates = selector.select(fresh);
        }
        if (candidates.isEmpty()) {
            throw new AuthFailure("no key " + (header.getKeyID() == null ? "for " + header.getAlgorithm() : "with kid \""
                    + header.getKeyID() + "\"") + " in the issuer's key set");
        }
        boolean ok = false;
        for (JWK k : candidates) {
            try {
                if (jwt.verify(verifier(k))) {
                    ok = true;
                    break;
                }
            } catch (JOSEException e) {
                // try the next key
            }
        }
        if (!ok) {
            throw new AuthFailure("signature does not verify");
        }
        JWTClaimsSet set;
        try {
            set = jwt.getJWTClaimsSet();
            claims.verify(set, null);
        } catch (ParseException e) {
            throw new AuthFailure("claims are not a JSON object");
        } catch (BadJWTException e) {
            throw new AuthFailure(e.getMessage());
        }
        Identity id = identity(set);
        verified.put(token, new Verified(id, Optional.ofNullable(set.getNotBeforeTime()).map(Date::toInstant),
                Optional.ofNullable(set.getExpirationTime()).map(Date::toInstant)));
        return id;
    }

    /** The verifier of a key, made once (turning a JWK into a public key is not cheap). */
    private JWSVerifier verifier(JWK k) throws JOSEException {
        JWSVerifier v = verifiers.get(k);
        if (v == null) {
            if (verifiers.size() > 64) {
                verifiers.clear(); // keys rotate rarely; old ones need not pile up
            }
            v = newVerifier(k);
            verifiers.put(k, v);
        }
        return v;
    }

    private static JWSVerifier newVerifier(JWK k) throws JOSEException {
        return switch (k) {
            case RSAKey r -> new RSASSAVerifier(r);
            case ECKey e -> new ECDSAVerifier(e);
            case OctetKeyPair o -> new Ed25519Verifier(o.toPublicJWK());
            default -> throw new JOSEException("unsupported key type " + k.getKeyType());
        };
    }

    private Identity identity(JWTClaimsSet set) {
        Map<String, String> flat = new HashMap<>();
        set.getClaims().forEach((name, value) -> {
            if (value instanceof List<?> l) {
                flat.put(name, String.join(" ", l.stream().map(String::valueOf).toList()));
            } else if (value instanceof Date d) {
                flat.put(name, Long.toString(d.toInstant().getEpochSecond()));
            } else if (value != null) {
                flat.put(name, String.valueOf(value));
            }
        });
        Set<String> scopes = new HashSet<>();
        for (String claim : List.of("scope", "scp")) {
            String v = flat.get(claim);
            if (v != null) {
                scopes.addAll(List.of(v.trim().split("\\s+")));
            }
        }
        scopes.remove("");
        return new Identity(set.getSubject(), provider.name(), scopes, flat);
    }
}
