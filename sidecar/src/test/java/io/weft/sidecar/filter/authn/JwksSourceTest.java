package io.weft.sidecar.filter.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Duration;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import io.weft.proto.v1.AuthRequirement;
import io.weft.proto.v1.EdgeAuthn;
import io.weft.proto.v1.JwtProvider;
import io.weft.testing.MutableClock;
import io.weft.sidecar.testing.Backend;
import io.weft.sidecar.testing.EdgeFixture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys from a real JWKS endpoint and from a file: a rotated-in key is picked up, a fetch storm is not. */
class JwksSourceTest {
    @TempDir
    Path tmp;

    @Test
    void unknownKidTriggersARefetchAtMostEveryTenSeconds() throws Exception {
        RSAKey oldKey = new RSAKeyGenerator(2048).keyID("old").generate();
        RSAKey newKey = new RSAKeyGenerator(2048).keyID("new").generate();
        AtomicReference<String> served = new AtomicReference<>(new JWKSet(oldKey.toPublicJWK()).toString());
        AtomicInteger fetches = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/jwks", ex -> {
            fetches.incrementAndGet();
            byte[] b = served.get().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
        MutableClock clock = new MutableClock(AuthnFilterTest.NOW);
        try (Backend app = Backend.echo("app"); EdgeFixture edge = EdgeFixture.start(clock).cluster("app", app.port())) {
            String uri = "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks";
            edge.routes(EdgeFixture.route("r", "/", "app", config(JwtProvider.newBuilder().setJwksUri(uri)
                    .setJwksRefresh(Duration.newBuilder().setSeconds(3600))))).awaitRouted("/x");
            String token = AuthnFilterTest.sign(new RSASSASigner(newKey), JWSAlgorithm.RS256, "new", AuthnFilterTest.claims().build());
            served.set(new JWKSet(List.of(oldKey.toPublicJWK(), newKey.toPublicJWK())).toString());
            clock.advance(java.time.Duration.ofSeconds(1));
            assertEquals(401, status(edge, token), "within 10s of the last fetch the key set is not fetched again");
            assertEquals(401, status(edge, token));
            assertEquals(1, fetches.get());
            clock.advance(java.time.Duration.ofSeconds(10));
            assertEquals(200, status(edge, token), "the rotated-in key is fetched on first sight of its kid");
            assertEquals(2, fetches.get());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void fileSourceReadsTheKeysAtStart() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("f1").generate();
        Path file = tmp.resolve("jwks.json");
        Files.writeString(file, new JWKSet(key.toPublicJWK()).toString());
        try (Backend app = Backend.echo("app");
             EdgeFixture edge = EdgeFixture.start(new MutableClock(AuthnFilterTest.NOW)).cluster("app", app.port())) {
            edge.routes(EdgeFixture.route("r", "/", "app", config(JwtProvider.newBuilder().setJwksFile(file.toString()))))
                    .awaitRouted("/x");
            String token = AuthnFilterTest.sign(new RSASSASigner(key), JWSAlgorithm.RS256, "f1", AuthnFilterTest.claims().build());
            assertEquals(200, status(edge, token));
        }
    }

    private static int status(EdgeFixture edge, String token) throws Exception {
        return edge.get("/x", "authorization", "Bearer " + token).status();
    }

    private static EdgeAuthn config(JwtProvider.Builder keys) {
        return EdgeAuthn.newBuilder().addJwtProviders(keys.setName("main").setIssuer(AuthnFilterTest.ISS).addAudiences("shop")
                        .setClockSkew(Duration.newBuilder().setSeconds(30)).addAlgorithms("RS256"))
                .setRequirement(AuthRequirement.newBuilder().setMode(AuthRequirement.Mode.AUTHENTICATED)).build();
    }
}
