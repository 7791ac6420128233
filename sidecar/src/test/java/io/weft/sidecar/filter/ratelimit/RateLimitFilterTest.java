package io.weft.sidecar.filter.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.sidecar.edge.EdgeFilter;
import io.weft.sidecar.edge.EdgeRequest;
import io.weft.sidecar.edge.EdgeResponse;
import io.weft.sidecar.edge.EdgeRuntime;
import io.weft.sidecar.edge.Exchanges;
import io.weft.sidecar.edge.Identity;
import io.weft.sidecar.edge.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Token bucket and sliding window on an injected clock: bursts, refill, per-client keys, headers. */
class RateLimitFilterTest {
    final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    final EdgeRuntime runtime = EdgeRuntime.create(clock);

    static RateLimitConfig.Rule rule(RateLimitConfig.Key key, RateLimitConfig.Algorithm alg, long requests, Duration per,
                                     long burst, RateLimitConfig.Mode mode) {
        return new RateLimitConfig.Rule("r", key, alg, requests, per, burst, mode, Duration.ofMillis(150), 2, Optional.empty());
    }

    EdgeResponse call(EdgeFilter f, String ip, Optional<Identity> id) {
        EdgeRequest req = EdgeRequest.create("GET", "edge.test", "/x", "", io.helidon.http.WritableHeaders.create(), null, ip,
                false, "route-a", 1024);
        id.ifPresent(req::identity);
        return f.filter(req, Exchanges.okUpstream(new EdgeRequest[1], "{}"));
    }

    @Test
    void tokenBucketAllowsTheBurstThenRefillsAtTheRate() {
        EdgeFilter f = RateLimitFilterFactory.create("route-a", new RateLimitConfig(List.of(
                rule(RateLimitConfig.Key.IP, RateLimitConfig.Algorithm.TOKEN_BUCKET, 60, Duration.ofMinutes(1), 5,
                        RateLimitConfig.Mode.REJECT))), runtime);
        for (int i = 4; i >= 0; i--) {
            EdgeResponse r = call(f, "10.0.0.1", Optional.empty());
            assertEquals(200, r.status());
            assertEquals(Integer.toString(i), r.header("ratelimit-remaining").orElseThrow());
            assertEquals("5", r.header("ratelimit-limit").orElseThrow());
        }
        EdgeResponse refused = call(f, "10.0.0.1", Optional.empty());
        assertEquals(429, refused.status());
        assertEquals("1", refused.header("retry-after").orElseThrow());
        assertEquals("60;w=60;burst=5;name=\"r\"", refused.header("ratelimit-policy").orElseThrow());
        assertEquals(200, call(f, "10.0.0.2", Optional.empty()).status(), "another client has its own bucket");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(200, call(f, "10.0.0.1", Optional.empty()).status(), "one token back after a second");
        assertEquals(429, call(f, "10.0.0.1", Optional.empty()).status());
    }

    @Test
    void clientKeyUsesTheIdentityNotTheAddress() {
        EdgeFilter f = RateLimitFilterFactory.create("route-a", new RateLimitConfig(List.of(
                rule(RateLimitConfig.Key.CLIENT, RateLimitConfig.Algorithm.TOKEN_BUCKET, 1, Duration.ofMinutes(1), 1,
                        RateLimitConfig.Mode.REJECT))), runtime);
        Identity alice = new Identity("alice", "main", Set.of(), Map.of());
        Identity bob = new Identity("bob", "main", Set.of(), Map.of());
        assertEquals(200, call(f, "10.0.0.1", Optional.of(alice)).status());
        assertEquals(429, call(f, "10.0.0.9", Optional.of(alice)).status(), "alice from another address is still alice");
        assertEquals(200, call(f, "10.0.0.1", Optional.of(bob)).status(), "bob behind the same NAT has his own limit");
    }

    @Test
    void slidingWindowWeighsThePreviousWindow() {
        EdgeFilter f = RateLimitFilterFactory.create("route-a", new RateLimitConfig(List.of(
                rule(RateLimitConfig.Key.ROUTE, RateLimitConfig.Algorithm.SLIDING_WINDOW, 10, Duration.ofSeconds(10), 10,
                        RateLimitConfig.Mode.REJECT))), runtime);
        for (int i = 0; i < 10; i++) {
            assertEquals(200, call(f, "10.0.0." + i, Optional.empty()).status());
        }
        assertEquals(429, call(f, "10.0.0.99", Optional.empty()).status(), "the route's limit is shared by all clients");
        clock.advance(Duration.ofSeconds(15)); // next window, half-way: the previous 10 count as 5
        int allowed = 0;
        while (call(f, "10.0.0.1", Optional.empty()).status() == 200) {
            allowed++;
        }
        assertEquals(5, allowed);
    }

    @Test
    void throttleHoldsARequestUntilItsTokenIsDueInsteadOfRefusing() {
        EdgeFilter f = RateLimitFilterFactory.create("route-a", new RateLimitConfig(List.of(
                rule(RateLimitConfig.Key.IP, RateLimitConfig.Algorithm.TOKEN_BUCKET, 10, Duration.ofSeconds(1), 1,
                        RateLimitConfig.Mode.THROTTLE))), runtime);
        assertEquals(200, call(f, "10.0.0.1", Optional.empty()).status());
        long start = System.nanoTime();
        assertEquals(200, call(f, "10.0.0.1", Optional.empty()).status(), "held ~100ms, then served");
        assertTrue(System.nanoTime() - start >= 90_000_000L, "the request was held for its token");
        // the next token is reserved 200ms ahead: beyond maxDelay 150ms
        assertEquals(429, call(f, "10.0.0.1", Optional.empty()).status(), "a wait beyond maxDelay is refused");
    }
}
