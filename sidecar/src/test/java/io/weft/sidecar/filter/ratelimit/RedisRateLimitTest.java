package io.weft.sidecar.filter.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Duration;
import io.weft.proto.v1.EdgeRateLimit;
import io.weft.proto.v1.RateLimitRule;
import io.weft.proto.v1.RedisStore;
import io.weft.sidecar.testing.Backend;
import io.weft.sidecar.testing.EdgeFixture;
import io.weft.sidecar.testing.RawHttp;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real edges (two processes' worth of state: separate shared resources and connection pools) share
 * one limit through a real redis-server started on a free loopback port; when Redis is gone the rule
 * fails open or closed as configured.
 */
class RedisRateLimitTest {
    static Process redis;
    static int port;

    @BeforeAll
    static void startRedis(@TempDir Path dir) throws Exception {
        port = freePort();
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

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static EdgeRateLimit shared(int redisPort, boolean failClosed, String prefix) {
        return EdgeRateLimit.newBuilder().addRules(RateLimitRule.newBuilder().setName("shared").setKey(RateLimitRule.Key.ROUTE)
                .setRequests(5).setPer(Duration.newBuilder().setSeconds(600)).setBurst(5)
                .setShared(RedisStore.newBuilder().setAddress("127.0.0.1:" + redisPort).setKeyPrefix(prefix)
                        .setTimeout(Duration.newBuilder().setNanos(300_000_000)).setFailClosed(failClosed))).build();
    }

    @Test
    void twoEdgesEnforceOneLimit() throws Exception {
        try (Backend app = Backend.echo("app"); EdgeFixture a = EdgeFixture.start(Clock.systemUTC()); EdgeFixture b = a.another("edge-2")) {
            a.cluster("app", app.port()).routes(EdgeFixture.route("api", "/api/", "app", shared(port, false, "t1:")),
                    EdgeFixture.route("probe", "/probe/", "app"));
            a.awaitRouted("/probe/x");
            b.awaitRouted("/probe/x");
            int allowed = 0;
            int refused = 0;
            for (int i = 0; i < 10; i++) {
                RawHttp.Response r = (i % 2 == 0 ? a : b).get("/api/x");
                if (r.status() == 200) {
                    allowed++;
                } else {
                    assertEquals(429, r.status(), r.body());
                    assertTrue(Long.parseLong(r.header("retry-after").orElseThrow()) >= 1);
                    refused++;
                }
            }
            assertEquals(5, allowed, "five in total across both edges, not five each");
            assertEquals(5, refused);
        }
    }

    @Test
    void unreachableRedisFailsOpenOrClosedAsConfigured() throws Exception {
        int dead = freePort();
        try (Backend app = Backend.echo("app"); EdgeFixture edge = EdgeFixture.start(Clock.systemUTC())) {
            edge.cluster("app", app.port()).routes(EdgeFixture.route("open", "/open/", "app", shared(dead, false, "t2:")),
                    EdgeFixture.route("closed", "/closed/", "app", shared(dead, true, "t2:")),
                    EdgeFixture.route("probe", "/probe/", "app")).awaitRouted("/probe/x");
            assertEquals(200, edge.get("/open/x").status());
            RawHttp.Response closed = edge.get("/closed/x");
            assertEquals(503, closed.status());
            assertEquals("application/problem+json", closed.header("content-type").orElseThrow());
        }
    }
}
