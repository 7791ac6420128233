package io.weft.sidecar.filter.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import io.weft.sidecar.edge.EdgeFilter;
import io.weft.sidecar.edge.EdgeRequest;
import io.weft.sidecar.edge.EdgeRuntime;
import io.weft.sidecar.edge.Exchanges;
import io.weft.sidecar.edge.MutableClock;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
        try (EdgeRuntime runtime = EdgeRuntime.create(clock)) {
            String uri = "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks";
            EdgeFilter f = AuthnFilterFactory.create(config(new AuthnConfig.KeySource.Uri(uri, Duration.ofHours(1))), runtime);
            String token = AuthnFilterTest.sign(new RSASSASigner(newKey), JWSAlgorithm.RS256, "new", AuthnFilterTest.claims().build());
            served.set(new JWKSet(List.of(oldKey.toPublicJWK(), newKey.toPublicJWK())).toString());
            clock.advance(Duration.ofSeconds(1));
            assertEquals(401, status(f, token), "within 10s of the last fetch the key set is not fetched again");
            assertEquals(401, status(f, token));
            assertEquals(1, fetches.get());
            clock.advance(Duration.ofSeconds(10));
            assertEquals(200, status(f, token), "the rotated-in key is fetched on first sight of its kid");
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
        try (EdgeRuntime runtime = EdgeRuntime.create(new MutableClock(AuthnFilterTest.NOW))) {
            EdgeFilter f = AuthnFilterFactory.create(config(new AuthnConfig.KeySource.File(file, Duration.ofMinutes(5))), runtime);
            String token = AuthnFilterTest.sign(new RSASSASigner(key), JWSAlgorithm.RS256, "f1", AuthnFilterTest.claims().build());
            assertEquals(200, status(f, token));
        }
    }

    private static int status(EdgeFilter f, String token) {
        EdgeRequest[] seen = new EdgeRequest[1];
        return f.filter(Exchanges.request("GET", "/x", "authorization", "Bearer " + token), Exchanges.okUpstream(seen, "{}")).status();
    }

    private static AuthnConfig config(AuthnConfig.KeySource keys) {
        var p = new AuthnConfig.JwtProvider("main", AuthnFilterTest.ISS, List.of("shop"), keys, Duration.ofSeconds(30),
                Map.of(), 8192, Set.of("RS256"));
        return new AuthnConfig(List.of(p), List.of(), "x-api-key", AuthnFilterTest.ANY);
    }
}
