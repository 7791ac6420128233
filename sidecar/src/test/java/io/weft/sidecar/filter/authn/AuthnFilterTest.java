package io.weft.sidecar.filter.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Duration;
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
import io.weft.proto.v1.ApiKey;
import io.weft.proto.v1.AuthRequirement;
import io.weft.proto.v1.EdgeAuthn;
import io.weft.proto.v1.JwtProvider;
import io.weft.testing.MutableClock;
import io.weft.sidecar.testing.Backend;
import io.weft.sidecar.testing.EdgeFixture;
import io.weft.sidecar.testing.RawHttp;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * JWT and API-key authentication against real keys and real signatures, including the usual attacks,
 * through a real edge (clock set to {@link #NOW}) in front of an echoing backend.
 */
class AuthnFilterTest {
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    static final String ISS = "https://id.weft.test";
    static final RSAKey RSA = gen(() -> new RSAKeyGenerator(2048).keyID("rsa-1").generate());
    static final ECKey EC = gen(() -> new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate());
    static final OctetKeyPair ED = gen(() -> new OctetKeyPairGenerator(Curve.Ed25519).keyID("ed-1").generate());
    static final String KEY = "s3cr3t-partner-key";

    static Backend app;
    static EdgeFixture edge;

    /** The provider used throughout: all three keys inline, audience shop, email forwarded, 4 KiB tokens. */
    static JwtProvider.Builder provider() {
        String jwks = new JWKSet(List.of(RSA.toPublicJWK(), EC.toPublicJWK(), ED.toPublicJWK())).toString();
        return JwtProvider.newBuilder().setName("main").setIssuer(ISS).addAudiences("shop").setJwksInline(jwks)
                .setClockSkew(Duration.newBuilder().setSeconds(30)).putClaimHeaders("email", "x-user-email")
                .setMaxTokenBytes(4096).addAllAlgorithms(List.of("RS256", "ES256", "EdDSA"));
    }

    static EdgeAuthn authn(AuthRequirement.Builder req) {
        return EdgeAuthn.newBuilder().addJwtProviders(provider()).setApiKeyHeader("x-api-key")
                .addApiKeys(ApiKey.newBuilder().setId("partner-acme").setSha256(ApiKeys.sha256Hex(KEY)).addScopes("orders:read"))
                .setRequirement(req).build();
    }

    static AuthRequirement.Builder authenticated() {
        return AuthRequirement.newBuilder().setMode(AuthRequirement.Mode.AUTHENTICATED);
    }

    @BeforeAll
    static void start() throws Exception {
        app = Backend.echo("app");
        edge = EdgeFixture.start(new MutableClock(NOW)).cluster("app", app.port());
        edge.routes(EdgeFixture.route("any", "/any/", "app", authn(authenticated())),
                        EdgeFixture.route("write", "/write/", "app", authn(authenticated().addScopes("orders:write"))),
                        EdgeFixture.route("admin", "/admin/", "app", authn(authenticated().putClaims("role", "admin"))),
                        EdgeFixture.route("public", "/public/", "app", authn(AuthRequirement.newBuilder()
                                .setMode(AuthRequirement.Mode.PUBLIC))))
                .awaitRouted("/public/x");
    }

    @AfterAll
    static void stop() {
        edge.close();
        app.close();
    }

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

    static RawHttp.Response call(String path, String... headers) {
        return gen(() -> edge.get(path, headers));
    }

    /** The header lines the echoing backend saw, or empty when the request never reached it. */
    static String seen(RawHttp.Response r) {
        return r.header("x-backend").isPresent() ? r.body() : "";
    }

    static void assertRefused(int status, String token, Consumer<String> detail) {
        int before = app.requests();
        RawHttp.Response r = call("/any/orders/1", "authorization", "Bearer " + token);
        assertEquals(status, r.status(), r.body());
        assertEquals(before, app.requests(), "must not reach the upstream");
        assertEquals("application/problem+json", r.header("content-type").orElseThrow());
        assertTrue(r.header("www-authenticate").orElseThrow().contains("invalid_token"), r.header("www-authenticate").orElseThrow());
        detail.accept(r.body());
    }

    @Test
    void validTokensOfEachAlgorithmPassAndForwardTheIdentity() {
        for (String token : List.of(rs256(claims().build()),
                sign(gen(() -> new ECDSASigner(EC)), JWSAlgorithm.ES256, "ec-1", claims().build()),
                sign(gen(() -> new Ed25519Signer(ED)), JWSAlgorithm.EdDSA, "ed-1", claims().build()))) {
            RawHttp.Response r = call("/any/orders/1", "authorization", "Bearer " + token, "x-user-email", "forged@evil.test",
                    "x-weft-identity", "forged");
            assertEquals(200, r.status(), r.body());
            String seen = seen(r);
            assertTrue(seen.contains("x-weft-identity: user-7\n"), seen);
            assertTrue(seen.contains("x-weft-auth: main\n"), seen);
            assertTrue(seen.contains("x-user-email: u7@shop.test\n"), seen);
            assertTrue(seen.contains("x-weft-scopes: orders:read profile\n"), seen);
            assertFalse(seen.contains("forged"), seen);
        }
    }

    @Test
    void forgedIdentityHeadersAreStrippedOnEveryRoute() {
        RawHttp.Response r = call("/public/x", "x-weft-identity", "admin", "x-user-email", "forged@evil.test", "x-weft-scopes", "admin");
        assertEquals(200, r.status());
        assertFalse(seen(r).contains("x-weft-") || seen(r).contains("x-user-email"), seen(r));
    }

    @Test
    void noCredentialIs401WithAChallenge() {
        int before = app.requests();
        RawHttp.Response r = call("/any/orders/1");
        assertEquals(401, r.status());
        assertEquals("Bearer realm=\"weft\"", r.header("www-authenticate").orElseThrow());
        assertEquals(before, app.requests());
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
        String withinSkew = rs256(claims().expirationTime(Date.from(NOW.minusSeconds(10))).build());
        assertEquals(200, call("/any/orders/1", "authorization", "Bearer " + withinSkew).status());
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
        RawHttp.Response ok = call("/any/orders/1", "x-api-key", KEY);
        assertEquals(200, ok.status());
        assertTrue(seen(ok).contains("x-weft-identity: partner-acme\n"), seen(ok));
        assertTrue(seen(ok).contains("x-weft-auth: api-key\n"), seen(ok));
        assertFalse(seen(ok).contains("x-api-key") || seen(ok).contains(KEY), "the key itself stays at the edge");
        int before = app.requests();
        assertEquals(401, call("/any/orders/1", "x-api-key", "guess").status());
        assertEquals(before, app.requests());
    }

    @Test
    void missingScopeOrClaimIs403() {
        int before = app.requests();
        RawHttp.Response r = call("/write/orders/1", "authorization", "Bearer " + rs256(claims().build()));
        assertEquals(403, r.status());
        assertTrue(r.header("www-authenticate").orElseThrow().contains("insufficient_scope"));
        assertEquals(403, call("/write/orders/1", "x-api-key", KEY).status());
        assertEquals(before, app.requests());
        assertEquals(403, call("/admin/x", "authorization", "Bearer " + rs256(claims().claim("role", "user").build())).status());
        assertEquals(200, call("/admin/x", "authorization", "Bearer "
                + rs256(claims().claim("role", List.of("user", "admin")).build())).status());
    }

    @Test
    void publicRouteLetsAnonymousThroughButStillRefusesABadToken() {
        RawHttp.Response anon = call("/public/x");
        assertEquals(200, anon.status());
        assertFalse(seen(anon).contains("x-weft-identity"));
        assertEquals(401, call("/public/x", "authorization", "Bearer junk").status());
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
