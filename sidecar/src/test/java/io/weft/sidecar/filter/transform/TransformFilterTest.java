package io.weft.sidecar.filter.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.weft.proto.v1.BodyConversion;
import io.weft.proto.v1.EdgeTransform;
import io.weft.proto.v1.HeaderOps;
import io.weft.proto.v1.JsonOps;
import io.weft.proto.v1.PathRewrite;
import io.weft.proto.v1.QueryOps;
import io.weft.sidecar.testing.Backend;
import io.weft.sidecar.testing.EdgeFixture;
import io.weft.sidecar.testing.RawHttp;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests rewritten on the way up and responses on the way back, through a real edge. The backend
 * records what it received and answers JSON under {@code /json}, XML under {@code /xml}, and a
 * {@code server} header everywhere.
 */
class TransformFilterTest {
    static final String JSON = "{\"internal\":{\"db\":\"x\"},\"items\":[{\"title\":\"Boots\",\"cost\":3},{\"title\":\"Hat\",\"cost\":1}]}";
    static final String XML = "<receipt status=\"ok\"><line>a</line><line>b</line><total>9.5</total></receipt>";
    static final AtomicReference<String> SEEN = new AtomicReference<>("");
    static Backend app;
    static EdgeFixture edge;

    @BeforeAll
    static void start() throws Exception {
        app = Backend.of("app", (req, res) -> {
            StringBuilder sb = new StringBuilder(req.path().rawPath());
            String q = req.query().rawValue();
            sb.append(q.isEmpty() ? "" : "?" + q).append('\n');
            for (Header h : req.headers()) {
                sb.append(h.headerName().lowerCase()).append(": ").append(h.values()).append('\n');
            }
            if (req.content().hasEntity()) {
                try (InputStream in = req.content().inputStream()) {
                    sb.append("\n").append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            SEEN.set(sb.toString());
            res.header(HeaderNames.create("server"), "internal-7");
            String p = req.path().rawPath();
            if (p.contains("/xml")) {
                res.header(HeaderNames.CONTENT_TYPE, "application/xml").send(XML);
            } else if (p.contains("/broken")) {
                res.header(HeaderNames.CONTENT_TYPE, "application/json").send("{\"a\":");
            } else {
                res.header(HeaderNames.CONTENT_TYPE, "application/json").send(JSON);
            }
        });
        edge = EdgeFixture.start(Clock.systemUTC()).cluster("app", app.port());
        edge.routes(
                EdgeFixture.route("rewrite", "/v1/items/", "app", EdgeTransform.newBuilder()
                        .setRequestHeaders(HeaderOps.newBuilder().putSet("x-api-version", "2").addRemove("cookie")
                                .putRename("x-client", "x-partner"))
                        .setResponseHeaders(HeaderOps.newBuilder().putSet("x-edge", "weft").addRemove("server"))
                        .setPath(PathRewrite.newBuilder().setRegex("/v1/items/([^/]+)").setSubstitution("/catalog/items/$1"))
                        .setQuery(QueryOps.newBuilder().putSet("source", "edge gw").addRemove("debug").putRename("q", "query"))
                        .build()),
                EdgeFixture.route("json", "/json/", "app", EdgeTransform.newBuilder()
                        .setRequestJson(JsonOps.newBuilder().putRename("amount", "amountCents").putInject("meta.via", "\"edge\""))
                        .setResponseJson(JsonOps.newBuilder().putRename("items.title", "name").addRemove("internal")
                                .addRemove("items.cost").putInject("apiVersion", "2"))
                        .build()),
                EdgeFixture.route("xml", "/xml/", "app", EdgeTransform.newBuilder()
                        .setRequestBody(BodyConversion.JSON_TO_XML).setResponseBody(BodyConversion.XML_TO_JSON).build()),
                EdgeFixture.route("legacy", "/legacy/", "app", EdgeTransform.newBuilder()
                        .setRequestBody(BodyConversion.XML_TO_JSON).build()),
                EdgeFixture.route("broken", "/broken/", "app", EdgeTransform.newBuilder()
                        .setResponseJson(JsonOps.newBuilder().addRemove("secret")).build()))
                .awaitRouted("/json/x");
    }

    @AfterAll
    static void stop() {
        edge.close();
        app.close();
    }

    @Test
    void headersPathAndQueryAreRewrittenOnTheWayUp() throws Exception {
        RawHttp.Response res = edge.get("/v1/items/b1?q=red%20shoes&debug=1&page=2", "cookie", "s=1", "x-client", "acme");
        assertEquals(200, res.status(), res.body());
        String seen = SEEN.get();
        assertTrue(seen.startsWith("/catalog/items/b1?query=red%20shoes&page=2&source=edge%20gw\n"), seen);
        assertTrue(seen.contains("x-api-version: 2\n") && seen.contains("x-partner: acme\n"), seen);
        assertFalse(seen.contains("x-client") || seen.contains("cookie"), seen);
        assertEquals("weft", res.header("x-edge").orElseThrow());
        assertFalse(res.header("server").isPresent());
    }

    @Test
    void jsonFieldsAreRenamedRemovedAndInjectedIncludingInsideArrays() throws Exception {
        RawHttp.Response res = edge.send("POST", "/json/orders", "{\"amount\":12}", "content-type", "application/json");
        assertEquals(200, res.status(), res.body());
        assertTrue(SEEN.get().endsWith("\n\n{\"amountCents\":12,\"meta\":{\"via\":\"edge\"}}"), SEEN.get());
        assertTrue(SEEN.get().contains("content-length: 40\n"), "the edge frames the new body: " + SEEN.get());
        assertEquals("{\"items\":[{\"name\":\"Boots\"},{\"name\":\"Hat\"}],\"apiVersion\":2}", res.body());
        assertEquals(Integer.toString(res.body().length()), res.header("content-length").orElseThrow());
    }

    @Test
    void malformedRequestJsonIs400AndNeverReachesTheUpstream() throws Exception {
        for (String bad : List.of("{\"a\":", "not json", "{\"a\":1}}")) {
            int before = app.requests();
            RawHttp.Response r = edge.send("POST", "/json/x", bad, "content-type", "application/json");
            assertEquals(400, r.status(), bad);
            assertEquals("application/problem+json", r.header("content-type").orElseThrow());
            assertTrue(r.body().contains("not valid JSON"), r.body());
            assertEquals(before, app.requests(), bad);
        }
    }

    @Test
    void malformedUpstreamJsonIs502() throws Exception {
        RawHttp.Response r = edge.get("/broken/x");
        assertEquals(502, r.status(), r.body());
        assertEquals("application/problem+json", r.header("content-type").orElseThrow());
        assertTrue(r.body().contains("upstream response is not valid JSON"), r.body());
    }

    @Test
    void xmlUpstreamIsServedAsJsonAndJsonClientsPostXml() throws Exception {
        RawHttp.Response res = edge.send("POST", "/xml/legacy", "{\"order\":{\"@id\":\"7\",\"item\":[\"a\",\"b\"]}}",
                "content-type", "application/json");
        String seen = SEEN.get();
        assertTrue(seen.contains("<order id=\"7\"><item>a</item><item>b</item></order>"), seen);
        assertTrue(seen.contains("content-type: application/xml; charset=utf-8\n"), seen);
        assertEquals("{\"receipt\":{\"@status\":\"ok\",\"line\":[\"a\",\"b\"],\"total\":\"9.5\"}}", res.body());
        assertEquals("application/json", res.header("content-type").orElseThrow());
    }

    @Test
    void xmlWithADoctypeIsRefusedSoNoExternalEntityIsEverRead() throws Exception {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>";
        int before = app.requests();
        RawHttp.Response r = edge.send("POST", "/legacy/x", xxe, "content-type", "application/xml");
        assertEquals(400, r.status(), r.body());
        assertFalse(r.body().contains("root:"), r.body());
        assertEquals(before, app.requests());
    }
}
