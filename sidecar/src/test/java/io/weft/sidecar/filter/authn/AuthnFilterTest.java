package io.weft.sidecar.filter.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.weft.sidecar.edge.EdgeFilter;
import io.weft.sidecar.edge.EdgeRequest;
import io.weft.sidecar.edge.EdgeResponse;
import io.weft.sidecar.edge.EdgeRuntime;
import io.weft.sidecar.edge.Exchanges;
import io.weft.sidecar.edge.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** JWT and API-key authentication against real keys and real signatures, including the usual attacks. */
class AuthnFilterTest {
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    static final String ISS = "https://id.weft.test";
    static final RSAKey RSA = gen(() -> new RSAKeyGenerator(2048).keyID("rsa-1").generate());
    static final ECKey EC = gen(() -> new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate());
    static final OctetKeyPair ED = gen(() -> new OctetKeyPairGenerator(Curve.Ed25519).keyID("ed-1").generate());
    static final String KEY = "s3cr3t-partner-key";
    static final MutableClock CLOCK = new MutableClock(NOW);
    static final EdgeRuntime RUNTIME = EdgeRuntime.create(CLOCK);

    @AfterAll
    static void close() {
        RUNTIME.close();
    }

    static AuthnConfig config(AuthnConfig.Requirement req) {
        String jwks = new JWKSet(List.of(RSA.toPublicJWK(), EC.toPublicJWK(), ED.toPublicJWK())).toString();
        var provider = new AuthnConfig.JwtProvider("main", ISS, List.of("shop"), new AuthnConfig.KeySource.Inline(jwks),
                Duration.ofSeconds(30), Map.of("email", "x-user-email"), 4096, Set.of("RS256", "ES256", "EdDSA"));
        var key = new AuthnConfig.ApiKey("partner-acme", ApiKeys.sha256Hex(KEY), Set.of("orders:read"));
        return new AuthnConfig(List.of(provider), List.of(key), "x-api-key", req);
    }

    static final AuthnConfig.Requirement ANY = new AuthnConfig.Requirement(true, Set.of(), Map.of(), Set.of());
    static final EdgeFilter FILTER = AuthnFilterFactory.create(config(ANY), RUNTIME);

    static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().issuer(ISS).audience("shop").subject("user-7").claim("email", "u7@shop.test")
                .claim("scope", "orders:read profile").expirationTime(Date.from(NOW.plusSeconds(300)))
                .notBeforeTime(Date.from(NOW.minusSeconds(5)));
    }

    static String sign(JWSSigner signer, JWSAlgorithm alg, String kid, JWTClaimsSet c) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).type(JOSEObjectType.JWT).build(), c);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static String rs256(JWTClaimsSet c) {
        return sign(gen(() -> new RSASSASigner(RSA)), JWSAlgorithm.RS256, "rsa-1", c);
    }

    static EdgeResponse call(EdgeFilter f, EdgeRequest[] seen, String... headers) {
        return f.filter(Exchanges.request("GET", "/orders/1", headers), Exchanges.okUpstream(seen, "{}"));
    }

    static void assertRefused(int status, String token, Consumer<String> detail) {
        EdgeRequest[] seen = new EdgeRequest[1];
        EdgeResponse r = call(FILTER, seen, "authorization", "Bearer " + token);
        assertEquals(status, r.status());
        assertNull(seen[0], "must not reach the upstream");
        assertEquals("application/problem+json", r.header("content-type").orElseThrow());
        assertTrue(r.header("www-authenticate").orElseThrow().contains("invalid_token"), r.header("www-authenticate").orElseThrow());
        detail.accept(Exchanges.body(r));
    }

    @Test
    void validTokensOfEachAlgorithmPassAndForwardTheIdentity() {
        for (String token : List.of(rs256(claims().build()),
                sign(gen(() -> new ECDSASigner(EC)), JWSAlgorithm.ES256, "ec-1", claims().build()),
                sign(gen(() -> new Ed25519Signer(ED)), JWSAlgorithm.EdDSA, "ed-1", claims().build()))) {
            EdgeRequest[] seen = new EdgeRequest[1];
            EdgeResponse r = call(FILTER, seen, "authorization", "Bearer " + token, "x-user-email", "forged@evil.test");
            assertEquals(200, r.status(), Exchanges.body(r));
            assertEquals("user-7", seen[0].header("x-weft-identity").orElseThrow());
            assertEquals("main", seen[0].header("x-weft-auth").orElseThrow());
            assertEquals("u7@shop.test", seen[0].header("x-user-email").orElseThrow());
            assertEquals("orders:read profile", seen[0].header("x-weft-scopes").orElseThrow());
        }
    }

    @Test
    void noCredentialIs401WithAChallenge() {
        EdgeRequest[] seen = new EdgeRequest[1];
        EdgeResponse r = call(FILTER, seen);
        assertEquals(401, r.status());
        assertEquals("Bearer realm=\"weft\"", r.header("www-authenticate").orElseThrow());
        assertNull(seen[0]);
    }

    @Test
    void algNoneIsRefused() {
        String plain = new PlainJWT(claims().build()).serialize();
        assertRefused(401, plain, d -> assertTrue(d.contains("not a signed JWT"), d));
        // "none" with a made-up signature part
        String[] parts = rs256(claims().build()).split("\\.");
        String noneHeader = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"kid\":\"rsa-1\"}".getBytes());
        assertRefused(401, noneHeader + "." + parts[1] + "." + parts[2], d -> assertTrue(d.contains("not a signed JWT"), d));
    }

    @Test
    void hs256SignedWithThePublicKeyIsRefused() throws Exception {
        byte[] publicKeyBytes = RSA.toRSAPublicKey().getEncoded();
        String forged = sign(new MACSigner(publicKeyBytes), JWSAlgorithm.HS256, "rsa-1", claims().build());
        assertRefused(401, forged, d -> assertTrue(d.contains("HS256 not accepted"), d));
    }

    @Test
    void expiredAndNotYetValidTokensAreRefusedButSkewIsAllowed() {
        assertRefused(401, rs256(claims().expirationTime(Date.from(NOW.minusSeconds(31))).build()),
                d -> assertTrue(d.contains("xpired"), d));
        assertRefused(401, rs256(claims().notBeforeTime(Date.from(NOW.plusSeconds(60))).build()),
                d -> assertTrue(d.contains("before"), d));
        EdgeRequest[] seen = new EdgeRequest[1];
        String withinSkew = rs256(claims().expirationTime(Date.from(NOW.minusSeconds(10))).build());
        assertEquals(200, call(FILTER, seen, "authorization", "Bearer " + withinSkew).status());
    }

    @Test
    void wrongIssuerAudienceOrUnknownKidIsRefused() {
        assertRefused(401, rs256(claims().issuer("https://evil.test").build()), d -> assertTrue(d.contains("iss"), d));
        assertRefused(401, rs256(claims().audience("other-api").build()), d -> assertTrue(d.contains("aud"), d));
        RSAKey stranger = gen(() -> new RSAKeyGenerator(2048).keyID("rsa-9").generate());
        assertRefused(401, sign(gen(() -> new RSASSASigner(stranger)), JWSAlgorithm.RS256, "rsa-9", claims().build()),
                d -> assertTrue(d.contains("no key with kid"), d));
        // the right kid, the wrong key
        assertRefused(401, sign(gen(() -> new RSASSASigner(stranger)), JWSAlgorithm.RS256, "rsa-1", claims().build()),
                d -> assertTrue(d.contains("signature"), d));
    }

    @Test
    void oversizedAndGarbageTokensAreRefused() {
        assertRefused(401, rs256(claims().claim("pad", "x".repeat(5000)).build()), d -> assertTrue(d.contains("longer than 4096"), d));
        assertRefused(401, "not-a-jwt", d -> assertTrue(d.contains("not a signed JWT"), d));
        assertRefused(401, "a.b.c", d -> assertTrue(d.contains("not a signed JWT"), d));
    }

    @Test
    void apiKeyAuthenticatesByHashAndIsNotForwarded() {
        EdgeRequest[] seen = new EdgeRequest[1];
        EdgeResponse ok = call(FILTER, seen, "x-api-key", KEY);
        assertEquals(200, ok.status());
        assertEquals("partner-acme", seen[0].header("x-weft-identity").orElseThrow());
        assertEquals("api-key", seen[0].header("x-weft-auth").orElseThrow());
        assertFalse(seen[0].header("x-api-key").isPresent(), "the key itself stays at the edge");
        seen[0] = null;
        assertEquals(401, call(FILTER, seen, "x-api-key", "guess").status());
        assertNull(seen[0]);
    }

    @Test
    void missingScopeOrClaimIs403() {
        var needsWrite = new AuthnConfig.Requirement(true, Set.of("orders:write"), Map.of(), Set.of());
        EdgeFilter f = AuthnFilterFactory.create(config(needsWrite), RUNTIME);
        EdgeRequest[] seen = new EdgeRequest[1];
        EdgeResponse r = call(f, seen, "authorization", "Bearer " + rs256(claims().build()));
        assertEquals(403, r.status());
        assertTrue(r.header("www-authenticate").orElseThrow().contains("insufficient_scope"));
        assertEquals(403, call(f, seen, "x-api-key", KEY).status());
        assertNull(seen[0]);
        var adminOnly = new AuthnConfig.Requirement(true, Set.of(), Map.of("role", "admin"), Set.of());
        EdgeFilter g = AuthnFilterFactory.create(config(adminOnly), RUNTIME);
        assertEquals(403, call(g, seen, "authorization", "Bearer " + rs256(claims().claim("role", "user").build())).status());
        assertEquals(200, call(g, seen, "authorization", "Bearer " + rs256(claims().claim("role", List.of("user", "admin")).build())).status());
    }

    @Test
    void publicRouteLetsAnonymousThroughButStillRefusesABadToken() {
        var pub = new AuthnConfig.Requirement(false, Set.of(), Map.of(), Set.of());
        EdgeFilter f = AuthnFilterFactory.create(config(pub), RUNTIME);
        EdgeRequest[] seen = new EdgeRequest[1];
        assertEquals(200, call(f, seen).status());
        assertFalse(seen[0].header("x-weft-identity").isPresent());
        assertEquals(401, call(f, seen, "authorization", "Bearer junk").status());
    }

    interface Gen<T> {
        T get() throws Exception;
    }

    static <T> T gen(Gen<T> g) {
        try {
            return g.get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
