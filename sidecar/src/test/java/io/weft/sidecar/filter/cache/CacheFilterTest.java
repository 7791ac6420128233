package io.weft.sidecar.filter.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weft.sidecar.edge.EdgeFilter;
import io.weft.sidecar.edge.EdgeRequest;
import io.weft.sidecar.edge.EdgeResponse;
import io.weft.sidecar.edge.EdgeRuntime;
import io.weft.sidecar.edge.Exchanges;
import io.weft.sidecar.edge.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Freshness, validators, Vary and no-store, on an injected clock; counts what reaches the upstream. */
class CacheFilterTest {
    final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    final EdgeRuntime runtime = EdgeRuntime.create(clock);
    final AtomicInteger upstreamCalls = new AtomicInteger();
    String cacheControl = "max-age=60";
    String vary = "";

    EdgeFilter filter(CacheConfig c) {
        return CacheFilterFactory.create(c, runtime);
    }

    EdgeResponse get(EdgeFilter f, String path, String... headers) {
        EdgeRequest req = Exchanges.request("GET", path, headers);
        return f.filter(req, r -> {
            byte[] body = ("{\"n\":" + upstreamCalls.incrementAndGet() + "}").getBytes(StandardCharsets.UTF_8);
            EdgeResponse up = EdgeResponse.of(200, body);
            up.header("content-length", Integer.toString(body.length)).header("etag", "\"v1\"");
            if (!cacheControl.isEmpty()) {
                up.header("cache-control", cacheControl);
            }
            if (!vary.isEmpty()) {
                up.header("vary", vary);
            }
            return up;
        });
    }

    static CacheConfig config(Duration ttl) {
        return new CacheConfig(ttl, List.of(), List.of(), 1 << 20);
    }

    @Test
    void freshResponseIsServedFromCacheUntilMaxAgeRunsOut() {
        EdgeFilter f = filter(config(Duration.ZERO));
        assertEquals("MISS", get(f, "/a").header("x-weft-cache").orElseThrow());
        EdgeResponse hit = get(f, "/a");
        assertEquals("HIT", hit.header("x-weft-cache").orElseThrow());
        assertEquals("{\"n\":1}", Exchanges.body(hit));
        clock.advance(Duration.ofSeconds(61));
        assertEquals("MISS", get(f, "/a").header("x-weft-cache").orElseThrow());
        assertEquals(2, upstreamCalls.get());
    }

    @Test
    void matchingIfNoneMatchGets304FromTheCache() {
        EdgeFilter f = filter(config(Duration.ZERO));
        get(f, "/a");
        EdgeResponse r = get(f, "/a", "if-none-match", "\"v1\"");
        assertEquals(304, r.status());
        assertEquals(0, r.bodyBytes(10).length);
        assertEquals(1, upstreamCalls.get());
    }

    @Test
    void noStorePrivateAndCredentialedRequestsAreNotShared() {
        EdgeFilter f = filter(config(Duration.ofMinutes(1)));
        cacheControl = "private, max-age=60";
        get(f, "/p");
        assertEquals("MISS", get(f, "/p").header("x-weft-cache").orElseThrow());
        cacheControl = "";
        get(f, "/c", "authorization", "Bearer t");
        assertEquals("MISS", get(f, "/c", "authorization", "Bearer t").header("x-weft-cache").orElseThrow());
        assertEquals("BYPASS", get(f, "/c", "cache-control", "no-store").header("x-weft-cache").orElseThrow());
        assertEquals(5, upstreamCalls.get());
    }

    @Test
    void varyKeepsVariantsApartAndPurgeDropsThem() {
        EdgeFilter f = filter(config(Duration.ZERO));
        vary = "Accept-Language";
        get(f, "/v", "accept-language", "en");
        assertEquals("MISS", get(f, "/v", "accept-language", "de").header("x-weft-cache").orElseThrow());
        assertEquals(1, ResponseCaches.of(runtime).purge("", "/v"));
        assertEquals("MISS", get(f, "/v", "accept-language", "de").header("x-weft-cache").orElseThrow());
    }
}
