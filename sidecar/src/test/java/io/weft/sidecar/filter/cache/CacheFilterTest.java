package io.weft.sidecar.filter.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.helidon.http.HeaderNames;
import io.weft.proto.v1.EdgeCache;
import io.weft.testing.MutableClock;
import io.weft.sidecar.testing.Backend;
import io.weft.sidecar.testing.EdgeFixture;
import io.weft.sidecar.testing.RawHttp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Freshness, validators, Vary, no-store and purge through a real edge on an injected clock; the
 * backend counts what reaches it and takes its Cache-Control and Vary from request headers.
 */
class CacheFilterTest {
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    static final AtomicInteger CALLS = new AtomicInteger();
    static Backend app;
    static EdgeFixture edge;

    @BeforeAll
    static void start() throws Exception {
        app = Backend.of("app", (req, res) -> {
            byte[] body = ("{\"n\":" + CALLS.incrementAndGet() + "}").getBytes(StandardCharsets.UTF_8);
            res.header(HeaderNames.ETAG, "\"v1\"");
            req.headers().first(HeaderNames.create("x-test-cc")).ifPresent(v -> res.header(HeaderNames.CACHE_CONTROL, v));
            req.headers().first(HeaderNames.create("x-test-vary")).ifPresent(v -> res.header(HeaderNames.VARY, v));
            res.header(HeaderNames.CONTENT_TYPE, "application/json").send(body);
        });
        edge = EdgeFixture.start(CLOCK).cluster("app", app.port());
        edge.routes(EdgeFixture.route("by-upstream", "/u/", "app", EdgeCache.getDefaultInstance()),
                EdgeFixture.route("minute", "/m/", "app", EdgeCache.newBuilder()
                        .setDefaultTtl(com.google.protobuf.Duration.newBuilder().setSeconds(60)).build()),
                EdgeFixture.route("tiny", "/tiny/", "app", EdgeCache.newBuilder()
                        .setDefaultTtl(com.google.protobuf.Duration.newBuilder().setSeconds(60)).setMaxBodyBytes(4).build()))
                .awaitRouted("/tiny/x");
    }

    @AfterAll
    static void stop() {
        edge.close();
        app.close();
    }

    static RawHttp.Response get(String path, String... headers) {
        try {
            return edge.get(path, headers);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void freshResponseIsServedFromCacheUntilMaxAgeRunsOut() {
        assertEquals("MISS", get("/u/a", "x-test-cc", "max-age=60").header("x-weft-cache").orElseThrow());
        int calls = CALLS.get();
        RawHttp.Response hit = get("/u/a", "x-test-cc", "max-age=60");
        assertEquals("HIT", hit.header("x-weft-cache").orElseThrow());
        assertEquals(calls, CALLS.get());
        assertEquals("\"v1\"", hit.header("etag").orElseThrow());
        assertEquals("application/json", hit.header("content-type").orElseThrow());
        CLOCK.advance(Duration.ofSeconds(61));
        assertEquals("MISS", get("/u/a", "x-test-cc", "max-age=60").header("x-weft-cache").orElseThrow());
        assertEquals(calls + 1, CALLS.get());
    }

    @Test
    void hitReplaysTheSameBodyAndSaysHowOldItIs() {
        RawHttp.Response first = get("/u/age", "x-test-cc", "max-age=60");
        CLOCK.advance(Duration.ofSeconds(7));
        RawHttp.Response hit = get("/u/age");
        assertEquals(first.body(), hit.body());
        assertEquals("7", hit.header("age").orElseThrow());
    }

    @Test
    void headIsAnsweredFromAStoredGet() throws Exception {
        get("/u/head", "x-test-cc", "max-age=60");
        int calls = CALLS.get();
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", edge.port())) {
            s.getOutputStream().write("HEAD /u/head HTTP/1.1\r\nHost: edge.test\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            RawHttp.Response head = RawHttp.read(s.getInputStream(), true);
            assertEquals(200, head.status());
            assertEquals("HIT", head.header("x-weft-cache").orElseThrow());
        }
        assertEquals(calls, CALLS.get());
    }

    @Test
    void matchingIfNoneMatchGets304FromTheCache() {
        get("/u/etag", "x-test-cc", "max-age=60");
        int calls = CALLS.get();
        RawHttp.Response r = get("/u/etag", "if-none-match", "\"v1\"");
        assertEquals(304, r.status());
        assertEquals("", r.body());
        assertEquals(calls, CALLS.get());
    }

    @Test
    void noStorePrivateAndCredentialedRequestsAreNotShared() {
        int calls = CALLS.get();
        get("/m/p", "x-test-cc", "private, max-age=60");
        assertEquals("MISS", get("/m/p", "x-test-cc", "private, max-age=60").header("x-weft-cache").orElseThrow());
        get("/m/c", "authorization", "Bearer t");
        assertEquals("MISS", get("/m/c", "authorization", "Bearer t").header("x-weft-cache").orElseThrow());
        assertEquals("BYPASS", get("/m/c", "cache-control", "no-store").header("x-weft-cache").orElseThrow());
        assertEquals(calls + 5, CALLS.get());
    }

    @Test
    void varyKeepsVariantsApartAndPurgeDropsThem() throws Exception {
        get("/m/v", "x-test-vary", "Accept-Language", "accept-language", "en");
        assertEquals("MISS", get("/m/v", "x-test-vary", "Accept-Language", "accept-language", "de").header("x-weft-cache").orElseThrow());
        assertEquals("HIT", get("/m/v", "accept-language", "de").header("x-weft-cache").orElseThrow());
        RawHttp.Response purged = RawHttp.exchange(edge.edge.adminPort(), ("POST /edge/cache/purge?prefix=/m/v HTTP/1.1\r\n"
                + "Host: admin\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("{\"purged\":1}", purged.body().trim());
        assertEquals("MISS", get("/m/v", "accept-language", "de").header("x-weft-cache").orElseThrow());
    }

    @Test
    void bodiesLargerThanTheLimitStreamThroughUncached() {
        RawHttp.Response first = get("/tiny/x");
        assertEquals(200, first.status());
        assertEquals("MISS", first.header("x-weft-cache").orElseThrow());
        assertEquals("MISS", get("/tiny/x").header("x-weft-cache").orElseThrow(), "a 7-byte body is over the 4-byte limit");
    }
}
