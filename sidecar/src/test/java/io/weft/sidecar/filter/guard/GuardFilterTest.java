package io.weft.sidecar.filter.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.helidon.http.WritableHeaders;
import io.weft.sidecar.edge.EdgeFilter;
import io.weft.sidecar.edge.EdgeRequest;
import io.weft.sidecar.edge.EdgeResponse;
import io.weft.sidecar.edge.Exchanges;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GuardFilterTest {
    static EdgeResponse call(EdgeFilter f, String ip, String method, String... headers) {
        WritableHeaders<?> h = WritableHeaders.create();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            h.add(io.helidon.http.HeaderNames.create(headers[i]), headers[i + 1]);
        }
        EdgeRequest req = EdgeRequest.create(method, "edge.test", "/x", "", h, null, ip, false, "r", 1 << 20);
        return f.filter(req, Exchanges.okUpstream(new EdgeRequest[1], "{}"));
    }

    @Test
    void denyListWinsOverAllowListAndOthersAreRefused() {
        EdgeFilter f = GuardFilterFactory.create(new GuardConfig(0, List.of("10.0.0.0/8", "2001:db8::/32"), List.of("10.6.6.0/24"),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
        assertEquals(200, call(f, "10.1.2.3", "GET").status());
        assertEquals(200, call(f, "2001:db8::7", "GET").status());
        assertEquals(403, call(f, "10.6.6.6", "GET").status());
        assertEquals(403, call(f, "192.0.2.1", "GET").status());
    }

    @Test
    void declaredBodyOverTheLimitIs413() {
        EdgeFilter f = GuardFilterFactory.create(new GuardConfig(100, List.of(), List.of(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty()));
        assertEquals(413, call(f, "10.0.0.1", "POST", "content-length", "101").status());
        assertEquals(200, call(f, "10.0.0.1", "POST", "content-length", "100").status());
    }

    @Test
    void corsPreflightIsAnsweredAtTheEdgeAndDisallowedOriginsGetNoAllowHeader() {
        var cors = new GuardConfig.Cors(List.of("https://shop.example"), List.of("GET", "POST"), List.of("content-type"),
                List.of("x-request-id"), true, Duration.ofMinutes(10));
        EdgeFilter f = GuardFilterFactory.create(new GuardConfig(0, List.of(), List.of(), Optional.of(cors), Optional.empty(),
                Optional.empty(), Optional.empty()));
        EdgeResponse pre = call(f, "10.0.0.1", "OPTIONS", "origin", "https://shop.example", "access-control-request-method", "POST");
        assertEquals(204, pre.status());
        assertEquals("https://shop.example", pre.header("access-control-allow-origin").orElseThrow());
        assertEquals("true", pre.header("access-control-allow-credentials").orElseThrow());
        assertEquals("600", pre.header("access-control-max-age").orElseThrow());
        assertEquals(403, call(f, "10.0.0.1", "OPTIONS", "origin", "https://evil.example", "access-control-request-method", "POST").status());
        EdgeResponse simple = call(f, "10.0.0.1", "GET", "origin", "https://evil.example");
        assertFalse(simple.header("access-control-allow-origin").isPresent());
    }

    @Test
    void deprecatedVersionAnnouncesDeprecationAndSunset() {
        EdgeFilter f = GuardFilterFactory.create(new GuardConfig(0, List.of(), List.of(), Optional.empty(),
                Optional.of(Instant.parse("2030-01-01T00:00:00Z")), Optional.of(Instant.parse("2030-07-01T00:00:00Z")),
                Optional.of("https://docs.shop.example/v2")));
        EdgeResponse r = call(f, "10.0.0.1", "GET");
        assertEquals("@1893456000", r.header("deprecation").orElseThrow());
        assertEquals("Mon, 1 Jul 2030 00:00:00 GMT", r.header("sunset").orElseThrow());
        assertEquals("<https://docs.shop.example/v2>; rel=\"deprecation\"", r.header("link").orElseThrow());
    }

    @Test
    void badAddressListEntryIsRefusedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GuardFilterFactory.checkCidr("10.0.0.0/33"));
        assertEquals("\"10.0.0.0/33\" (expected: a prefix length 0..32)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GuardFilterFactory.checkCidr("example.com"));
    }
}
