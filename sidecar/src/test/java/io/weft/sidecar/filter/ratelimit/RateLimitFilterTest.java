package io.weft.sidecar.filter.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Duration;
import io.weft.proto.v1.ApiKey;
import io.weft.proto.v1.AuthRequirement;
import io.weft.proto.v1.EdgeAuthn;
import io.weft.proto.v1.EdgeRateLimit;
import io.weft.proto.v1.RateLimitRule;
import io.weft.testing.MutableClock;
import io.weft.sidecar.testing.Backend;
import io.weft.sidecar.testing.EdgeFixture;
import io.weft.sidecar.testing.RawHttp;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Token bucket and sliding window through a real edge on an injected clock: bursts, refill, per-client
 * keys (clients told apart by source address or API key), headers, throttling.
 */
class RateLimitFilterTest {
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    static Backend app;
    static EdgeFixture edge;

    static RateLimitRule.Builder rule(RateLimitRule.Key key, RateLimitRule.Algorithm alg, int requests, long perSeconds, int burst,
                                      RateLimitRule.Mode mode) {
        return RateLimitRule.newBuilder().setName("r").setKey(key).setAlgorithm(alg).setRequests(requests)
                .setPer(Duration.newBuilder().setSeconds(perSeconds)).setBurst(burst).setMode(mode)
                .setMaxDelay(Duration.newBuilder().setNanos(150_000_000)).setMaxQueued(2);
    }

    static EdgeRateLimit limit(RateLimitRule.Builder rule) {
        return EdgeRateLimit.newBuilder().addRules(rule).build();
    }

    @BeforeAll
    static void start() throws Exception {
        app = Backend.echo("app");
        edge = EdgeFixture.start(CLOCK).cluster("app", app.port());
        EdgeAuthn keys = EdgeAuthn.newBuilder().setApiKeyHeader("x-api-key")
                .addApiKeys(ApiKey.newBuilder().setId("alice").setSha256(sha256("alice-key")))
                .addApiKeys(ApiKey.newBuilder().setId("bob").setSha256(sha256("bob-key")))
                .setRequirement(AuthRequirement.newBuilder().setMode(AuthRequirement.Mode.AUTHENTICATED)).build();
        edge.routes(
                EdgeFixture.route("bucket", "/bucket/", "app", limit(rule(RateLimitRule.Key.IP,
                        RateLimitRule.Algorithm.TOKEN_BUCKET, 60, 60, 5, RateLimitRule.Mode.REJECT))),
                EdgeFixture.route("client", "/client/", "app", keys, limit(rule(RateLimitRule.Key.CLIENT,
                        RateLimitRule.Algorithm.TOKEN_BUCKET, 1, 60, 1, RateLimitRule.Mode.REJECT))),
                EdgeFixture.route("window", "/window/", "app", limit(rule(RateLimitRule.Key.ROUTE,
                        RateLimitRule.Algorithm.SLIDING_WINDOW, 10, 10, 10, RateLimitRule.Mode.REJECT))),
                EdgeFixture.route("throttle", "/throttle/", "app", limit(rule(RateLimitRule.Key.IP,
                        RateLimitRule.Algorithm.TOKEN_BUCKET, 10, 1, 1, RateLimitRule.Mode.THROTTLE))),
                EdgeFixture.route("open", "/open/", "app"))
                .awaitRouted("/open/x");
    }

    @AfterAll
    static void stop() {
        edge.close();
        app.close();
    }

    static RawHttp.Response get(String from, String path, String... headers) throws Exception {
        return edge.sendFrom(from, "GET", path, null, headers);
    }

    @Test
    void tokenBucketAllowsTheBurstThenRefillsAtTheRate() throws Exception {
        for (int i = 4; i >= 0; i--) {
            RawHttp.Response r = get("127.0.0.11", "/bucket/x");
            assertEquals(200, r.status());
            assertEquals(Integer.toString(i), r.header("ratelimit-remaining").orElseThrow());
            assertEquals("5", r.header("ratelimit-limit").orElseThrow());
        }
        int before = app.requests();
        RawHttp.Response refused = get("127.0.0.11", "/bucket/x");
        assertEquals(429, refused.status());
        assertEquals(before, app.requests(), "a refused request never reaches the app");
        assertEquals("application/problem+json", refused.header("content-type").orElseThrow());
        assertEquals("1", refused.header("retry-after").orElseThrow());
        assertEquals("60;w=60;burst=5;name=\"r\"", refused.header("ratelimit-policy").orElseThrow());
        assertEquals(200, get("127.0.0.12", "/bucket/x").status(), "another client has its own bucket");
        CLOCK.advance(java.time.Duration.ofSeconds(1));
        assertEquals(200, get("127.0.0.11", "/bucket/x").status(), "one token back after a second");
        assertEquals(429, get("127.0.0.11", "/bucket/x").status());
    }

    @Test
    void clientKeyUsesTheIdentityNotTheAddress() throws Exception {
        assertEquals(200, get("127.0.0.21", "/client/x", "x-api-key", "alice-key").status());
        assertEquals(429, get("127.0.0.22", "/client/x", "x-api-key", "alice-key").status(),
                "alice from another address is still alice");
        assertEquals(200, get("127.0.0.21", "/client/x", "x-api-key", "bob-key").status(),
                "bob behind the same address has his own limit");
    }

    @Test
    void slidingWindowWeighsThePreviousWindow() throws Exception {
        CLOCK.advance(java.time.Duration.ofMillis(10_000 - CLOCK.millis() % 10_000)); // windows start at multiples of 10s
        for (int i = 0; i < 10; i++) {
            assertEquals(200, get("127.0.0." + (30 + i), "/window/x").status());
        }
        assertEquals(429, get("127.0.0.99", "/window/x").status(), "the route's limit is shared by all clients");
        CLOCK.advance(java.time.Duration.ofSeconds(15)); // next window, half-way: the previous 10 count as 5
        int allowed = 0;
        while (get("127.0.0.31", "/window/x").status() == 200) {
            allowed++;
        }
        assertEquals(5, allowed);
    }

    @Test
    void throttleHoldsARequestUntilItsTokenIsDueInsteadOfRefusing() throws Exception {
        assertEquals(200, get("127.0.0.41", "/throttle/x").status());
        long start = System.nanoTime();
        assertEquals(200, get("127.0.0.41", "/throttle/x").status(), "held ~100ms, then served");
        assertTrue(System.nanoTime() - start >= 90_000_000L, "the request was held for its token");
        // the next token is reserved 200ms ahead: beyond maxDelay 150ms
        assertEquals(429, get("127.0.0.41", "/throttle/x").status(), "a wait beyond maxDelay is refused");
    }

    @Test
    void routesWithoutALimitCarryNoRateLimitHeaders() throws Exception {
        assertTrue(get("127.0.0.51", "/open/x").header("ratelimit-limit").isEmpty());
    }

    static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
