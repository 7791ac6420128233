package io.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge gateway end to end: policy written in mesh YAML, validated by the real control plane,
 * carried over xDS as typed per-route filter configs, enforced by a real edge in front of the shop.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EdgeGatewayEndToEndTest {
    static final String ISS = "https://id.shop.test";
    static final String PARTNER_KEY = "partner-key-0123456789";

    MeshHarness mesh;
    ECKey signing;
    String edge;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        signing = new ECKeyGenerator(Curve.P_256).keyID("shop-1").generate();
        String jwks = new JWKSet(signing.toPublicJWK()).toString().replace("'", "''");
        String keyHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(PARTNER_KEY.getBytes(StandardCharsets.UTF_8)));
        String edgeYaml = """
                edge:
                  jwtProviders:
                    - name: shop-id
                      issuer: %s
                      audiences: [shop]
                      jwks: '%s'
                      forwardClaims: {email: x-user-email}
                  apiKeys:
                    - {id: partner-acme, sha256: %s, scopes: [catalog:read]}
                  rateLimits:
                    three-per-minute: {key: ip, requests: 3, per: 1m}
                  virtualHosts:
                    - name: public
                      domains: ["*"]
                      routes:
                        - name: users-admin
                          match: {prefix: /users/admin/}
                          to: users
                          prefixRewrite: /users/
                          auth: {claims: {role: admin}}
                        - name: users-api
                          match: {prefix: /users/}
                          to: users
                          auth: public
                          transform:
                            responseHeaders: {set: {x-served-by: weft-edge}}
                            responseJson: {remove: [version], inject: {edge: weft}}
                        - name: partner-catalog
                          match: {prefix: /partner/catalog/}
                          to: catalog
                          prefixRewrite: /catalog/
                          auth: {accept: [api-key], scopes: [catalog:read]}
                        - name: catalog-api
                          match: {prefix: /catalog/}
                          to: catalog
                          cache: {ttl: 30s}
                        - name: limited
                          match: {prefix: /limited/}
                          to: users
                          prefixRewrite: /users/
                          rateLimit: three-per-minute
                        - name: orders-api
                          match: {prefix: /orders/}
                          to: orders
                          transform:
                            requestJson: {rename: {amount: amountCents}}
                """.formatted(ISS, jwks, keyHash);
        String demo = MeshHarness.demoMeshYaml();
        String withoutEdge = demo.substring(0, demo.indexOf("\nedge:"));
        mesh = MeshHarness.start(tmp, Map.of("mesh.yaml", withoutEdge, "edge.yaml", edgeYaml));
        edge = "http://127.0.0.1:" + mesh.edge.edgePort();
    }

    @AfterAll
    void stop() {
        mesh.close();
    }

    String token(String role) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISS).audience("shop").subject("u-1").claim("role", role)
                .expirationTime(Date.from(Instant.now().plusSeconds(300))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("shop-1").type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new ECDSASigner(signing));
        return jwt.serialize();
    }

    @Test
    void protectedRouteNeedsAValidTokenWithTheRightClaim() throws Exception {
        HttpResponse<String> anon = mesh.get(edge + "/users/admin/1");
        assertEquals(401, anon.statusCode(), anon.body());
        assertEquals("application/problem+json", anon.headers().firstValue("content-type").orElseThrow());
        assertTrue(anon.headers().firstValue("www-authenticate").orElseThrow().startsWith("Bearer"));
        assertEquals(403, mesh.get(edge + "/users/admin/1", "authorization", "Bearer " + token("user")).statusCode());
        HttpResponse<String> admin = mesh.get(edge + "/users/admin/1", "authorization", "Bearer " + token("admin"));
        assertEquals(200, admin.statusCode(), admin.body());
        assertTrue(admin.body().contains("\"name\":\"Ada\""), admin.body());
    }

    @Test
    void pathTricksCannotReachTheProtectedRouteAnonymously() throws Exception {
        for (String path : List.of("/users/x/../admin/1", "/users/x/%2e%2e/admin/1", "/users/x/%2E%2E/admin/1", "//users//admin/1",
                "/USERS/ADMIN/1", "/Users/Admin/1", "/users/admin", "/users/./admin/1", "/users/%61dmin/1")) {
            RawResponse r = raw(path);
            assertEquals(401, r.statusCode(), path + " → " + r.body());
        }
        for (String path : List.of("/users%2fadmin/1", "/users/admin%2F1", "/users/x/..%2fadmin/1", "/users\\admin/1",
                "/users/x/..;/admin/1")) {
            RawResponse r = raw(path);
            assertEquals(400, r.statusCode(), path + " → " + r.body());
            assertEquals("application/problem+json", r.headers().firstValue("content-type").orElse("none"), path + " → " + r.body());
        }
    }

    @Test
    void publicRouteIsTransformedAndForgedIdentityHeadersNeverArrive() throws Exception {
        HttpResponse<String> r = mesh.get(edge + "/users/2", "x-weft-identity", "admin", "x-user-email", "forged@evil.test");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("weft-edge", r.headers().firstValue("x-served-by").orElseThrow());
        assertTrue(r.body().contains("\"name\":\"Grace\"") && r.body().contains("\"edge\":\"weft\""), r.body());
        assertFalse(r.body().contains("version"), "internal field removed: " + r.body());
    }

    @Test
    void apiKeyRouteAcceptsTheKeyAndRefusesOthers() throws Exception {
        assertEquals(401, mesh.get(edge + "/partner/catalog/items/b1").statusCode());
        assertEquals(401, mesh.get(edge + "/partner/catalog/items/b1", "x-api-key", "wrong").statusCode());
        assertEquals(401, mesh.get(edge + "/partner/catalog/items/b1", "authorization", "Bearer " + token("admin")).statusCode(),
                "a JWT is no credential where only API keys are accepted");
        HttpResponse<String> ok = mesh.get(edge + "/partner/catalog/items/b1", "x-api-key", PARTNER_KEY);
        assertEquals(200, ok.statusCode(), ok.body());
    }

    @Test
    void fourthRequestInAMinuteIsRateLimited() throws Exception {
        for (int i = 1; i <= 3; i++) {
            HttpResponse<String> r = mesh.get(edge + "/limited/1");
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(Integer.toString(3 - i), r.headers().firstValue("ratelimit-remaining").orElseThrow());
        }
        HttpResponse<String> limited = mesh.get(edge + "/limited/1");
        assertEquals(429, limited.statusCode());
        assertTrue(Integer.parseInt(limited.headers().firstValue("retry-after").orElseThrow()) >= 1);
        assertEquals("3", limited.headers().firstValue("ratelimit-limit").orElseThrow());
        assertEquals("application/problem+json", limited.headers().firstValue("content-type").orElseThrow());
    }

    @Test
    void secondGetIsServedFromTheCacheUntilPurged() throws Exception {
        HttpResponse<String> first = mesh.get(edge + "/catalog/items/b2");
        assertEquals(200, first.statusCode(), first.body());
        assertEquals("MISS", first.headers().firstValue("x-weft-cache").orElseThrow());
        HttpResponse<String> second = mesh.get(edge + "/catalog/items/b2");
        assertEquals("HIT", second.headers().firstValue("x-weft-cache").orElseThrow());
        assertEquals(first.body(), second.body());
        HttpResponse<String> purged = mesh.post("http://127.0.0.1:" + mesh.edge.adminPort() + "/edge/cache/purge?prefix=/catalog/", "");
        assertTrue(purged.body().contains("\"purged\":1"), purged.body());
        assertEquals("MISS", mesh.get(edge + "/catalog/items/b2").headers().firstValue("x-weft-cache").orElseThrow());
    }

    @Test
    void malformedJsonToATransformingRouteIs400NotA500() throws Exception {
        HttpResponse<String> r = mesh.post(edge + "/orders/7/pay", "{\"amount\": 12,");
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("application/problem+json", r.headers().firstValue("content-type").orElseThrow());
        assertTrue(r.body().contains("not valid JSON"), r.body());
    }

    RawResponse raw(String path) throws Exception {
        try (Socket s = new Socket("127.0.0.1", mesh.edge.edgePort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            return RawResponse.read(s.getInputStream());
        }
    }
}
