package io.weft.sidecar.filter.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.http.WritableHeaders;
import io.weft.sidecar.edge.EdgeFilter;
import io.weft.sidecar.edge.EdgeRequest;
import io.weft.sidecar.edge.EdgeResponse;
import io.weft.sidecar.edge.EdgeRuntime;
import io.weft.sidecar.edge.Exchanges;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two edges (two runtimes, two connection pools) share one limit through a real redis-server started
 * on a free loopback port; when Redis is gone the rule fails open or closed as configured.
 */
class RedisRateLimitTest {
    static Process redis;
    static int port;

    @BeforeAll
    static void startRedis(@TempDir Path dir) throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        redis = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        Instant deadline = Instant.now().plusSeconds(10);
        while (true) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                if (Instant.now().isAfter(deadline) || !redis.isAlive()) {
                    throw new IllegalStateException("redis-server did not start on " + port, e);
                }
                Thread.sleep(20);
            }
        }
    }

    @AfterAll
    static void stopRedis() throws InterruptedException {
        redis.destroy();
        redis.waitFor();
    }

    static RateLimitConfig config(int redisPort, boolean failClosed, String prefix) {
        var r = new RateLimitConfig.Redis("127.0.0.1", redisPort, prefix, Duration.ofMillis(300), failClosed);
        return new RateLimitConfig(List.of(new RateLimitConfig.Rule("shared", RateLimitConfig.Key.ROUTE,
                RateLimitConfig.Algorithm.TOKEN_BUCKET, 5, Duration.ofMinutes(10), 5, RateLimitConfig.Mode.REJECT,
                Duration.ZERO, 1, Optional.of(r))));
    }

    static EdgeResponse call(EdgeFilter f) {
        EdgeRequest req = EdgeRequest.create("GET", "edge.test", "/x", "", WritableHeaders.create(), null, "10.0.0.1",
                false, "api", 1024);
        return f.filter(req, Exchanges.okUpstream(new EdgeRequest[1], "{}"));
    }

    @Test
    void twoEdgesEnforceOneLimit() {
        try (EdgeRuntime edge1 = EdgeRuntime.create(Clock.systemUTC()); EdgeRuntime edge2 = EdgeRuntime.create(Clock.systemUTC())) {
            EdgeFilter a = RateLimitFilterFactory.create("api", config(port, false, "t1:"), edge1);
            EdgeFilter b = RateLimitFilterFactory.create("api", config(port, false, "t1:"), edge2);
            int allowed = 0;
            int refused = 0;
            for (int i = 0; i < 10; i++) {
                EdgeResponse r = call(i % 2 == 0 ? a : b);
                if (r.status() == 200) {
                    allowed++;
                } else {
                    assertEquals(429, r.status());
                    assertTrue(Long.parseLong(r.header("retry-after").orElseThrow()) >= 1);
                    refused++;
                }
            }
            assertEquals(5, allowed, "five in total across both edges, not five each");
            assertEquals(5, refused);
        }
    }

    @Test
    void unreachableRedisFailsOpenOrClosedAsConfigured() throws IOException {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        try (EdgeRuntime rt = EdgeRuntime.create(Clock.systemUTC())) {
            assertEquals(200, call(RateLimitFilterFactory.create("open", config(dead, false, "t2:"), rt)).status());
            EdgeResponse closed = call(RateLimitFilterFactory.create("closed", config(dead, true, "t2:"), rt));
            assertEquals(503, closed.status());
            assertEquals("application/problem+json", closed.header("content-type").orElseThrow());
        }
    }
}
