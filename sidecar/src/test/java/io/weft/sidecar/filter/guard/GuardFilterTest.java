package io.weft.sidecar.filter.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.weft.proto.v1.Cors;
import io.weft.proto.v1.EdgeGuard;
import io.weft.sidecar.testing.Backend;
import io.weft.sidecar.testing.EdgeFixture;
import io.weft.sidecar.testing.RawHttp;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Address lists, size limits, CORS and deprecation headers, through a real edge in front of a real backend. */
class GuardFilterTest {
    static Backend app;
    static EdgeFixture edge;

    @BeforeAll
    static void start() throws Exception {
        app = Backend.echo("app");
        edge = EdgeFixture.start(Clock.systemUTC()).cluster("app", app.port());
        var cors = Cors.newBuilder().addAllowOrigins("https://shop.example").addAllowMethods("GET").addAllowMethods("POST")
                .addAllowHeaders("content-type").addExposeHeaders("x-request-id").setAllowCredentials(true)
                .setMaxAge(com.google.protobuf.Duration.newBuilder().setSeconds(600));
        edge.routes(
                EdgeFixture.route("loopback-allowed", "/allowed/", "app", EdgeGuard.newBuilder().addAllowCidrs("127.0.0.0/8").build()),
                EdgeFixture.route("deny-wins", "/deny-wins/", "app", EdgeGuard.newBuilder().addAllowCidrs("127.0.0.0/8")
                        .addDenyCidrs("127.0.0.1/32").build()),
                EdgeFixture.route("only-10", "/only-10/", "app", EdgeGuard.newBuilder().addAllowCidrs("10.0.0.0/8").build()),
                EdgeFixture.route("small", "/small/", "app", EdgeGuard.newBuilder().setMaxBodyBytes(100).build()),
                EdgeFixture.route("cors", "/cors/", "app", EdgeGuard.newBuilder().setCors(cors).build()),
                EdgeFixture.route("old", "/v1/", "app", EdgeGuard.newBuilder()
                        .setDeprecatedAt(Timestamp.newBuilder().setSeconds(Instant.parse("2030-01-01T00:00:00Z").getEpochSecond()))
                        .setSunsetAt(Timestamp.newBuilder().setSeconds(Instant.parse("2030-07-01T00:00:00Z").getEpochSecond()))
                        .setDeprecationLink("https://docs.shop.example/v2").build()))
                .awaitRouted("/allowed/x");
    }

    @AfterAll
    static void stop() {
        edge.close();
        app.close();
    }

    @Test
    void denyListWinsOverAllowListAndOthersAreRefused() throws Exception {
        assertEquals(200, edge.get("/allowed/x").status());
        RawHttp.Response denied = edge.get("/deny-wins/x");
        assertEquals(403, denied.status());
        assertEquals("application/problem+json", denied.header("content-type").orElseThrow());
        assertTrue(denied.body().contains("client address 127.0.0.1 is not allowed"), denied.body());
        assertEquals(403, edge.get("/only-10/x").status());
        assertEquals(200, edge.sendFrom("127.0.0.2", "GET", "/deny-wins/x", null).status(), "only 127.0.0.1/32 is denied");
    }

    @Test
    void ipv6ListEntriesMatchByPrefix() {
        assertTrue(Cidr.parse("2001:db8::/32").contains(ipv6("2001:db8::7")));
        assertFalse(Cidr.parse("2001:db8::/32").contains(ipv6("2001:db9::7")));
    }

    @Test
    void declaredOrStreamedBodyOverTheLimitIs413AndNeverReachesTheApp() throws Exception {
        int before = app.requests();
        RawHttp.Response declared = edge.send("POST", "/small/x", "x".repeat(101));
        assertEquals(413, declared.status(), declared.body());
        assertEquals("application/problem+json", declared.header("content-type").orElseThrow());
        String chunked = "POST /small/x HTTP/1.1\r\nHost: edge.test\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "50\r\n" + "y".repeat(80) + "\r\n50\r\n" + "y".repeat(80) + "\r\n0\r\n\r\n";
        RawHttp.Response streamed = RawHttp.exchange(edge.port(), chunked.getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(413, streamed.status(), streamed.body());
        assertEquals(before, app.requests(), "nothing over the limit reaches the app");
        RawHttp.Response ok = edge.send("POST", "/small/x", "x".repeat(100));
        assertEquals(200, ok.status(), ok.body());
        assertTrue(ok.body().contains("body-length: 100"), ok.body());
    }

    @Test
    void corsPreflightIsAnsweredAtTheEdgeAndDisallowedOriginsGetNoAllowHeader() throws Exception {
        int before = app.requests();
        RawHttp.Response pre = edge.send("OPTIONS", "/cors/x", null, "origin", "https://shop.example",
                "access-control-request-method", "POST");
        assertEquals(204, pre.status());
        assertEquals("https://shop.example", pre.header("access-control-allow-origin").orElseThrow());
        assertEquals("true", pre.header("access-control-allow-credentials").orElseThrow());
        assertEquals("600", pre.header("access-control-max-age").orElseThrow());
        assertEquals(403, edge.send("OPTIONS", "/cors/x", null, "origin", "https://evil.example",
                "access-control-request-method", "POST").status());
        assertEquals(before, app.requests(), "preflights are answered by the edge");
        RawHttp.Response simple = edge.get("/cors/x", "origin", "https://evil.example");
        assertEquals(200, simple.status());
        assertFalse(simple.header("access-control-allow-origin").isPresent());
        RawHttp.Response allowed = edge.get("/cors/x", "origin", "https://shop.example");
        assertEquals("https://shop.example", allowed.header("access-control-allow-origin").orElseThrow());
        assertEquals("x-request-id", allowed.header("access-control-expose-headers").orElseThrow());
    }

    @Test
    void deprecatedVersionAnnouncesDeprecationAndSunset() throws Exception {
        RawHttp.Response r = edge.get("/v1/x");
        assertEquals(200, r.status());
        assertEquals("@1893456000", r.header("deprecation").orElseThrow());
        assertEquals("Mon, 1 Jul 2030 00:00:00 GMT", r.header("sunset").orElseThrow());
        assertEquals("<https://docs.shop.example/v2>; rel=\"deprecation\"", r.header("link").orElseThrow());
    }

    @Test
    void badAddressListEntryIsRefusedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
        assertEquals("\"10.0.0.0/33\" (expected: a prefix length 0..32)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("example.com"));
    }

    private static byte[] ipv6(String s) {
        try {
            return java.net.InetAddress.getByName(s).getAddress();
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
