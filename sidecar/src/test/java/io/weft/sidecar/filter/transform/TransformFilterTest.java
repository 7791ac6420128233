package io.weft.sidecar.filter.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.sidecar.edge.EdgeFilter;
import io.weft.sidecar.edge.EdgeRequest;
import io.weft.sidecar.edge.EdgeResponse;
import io.weft.sidecar.edge.Exchanges;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TransformFilterTest {
    static final TransformConfig.NameOps NONE = TransformConfig.NameOps.NONE;

    static TransformConfig config(TransformConfig.NameOps reqHeaders, TransformConfig.NameOps resHeaders,
                                  TransformConfig.JsonOps reqJson, TransformConfig.JsonOps resJson,
                                  Optional<TransformConfig.PathRewrite> path, TransformConfig.NameOps query,
                                  TransformConfig.Conversion reqBody, TransformConfig.Conversion resBody) {
        return new TransformConfig(reqHeaders, resHeaders, reqJson, resJson, path, query, reqBody, resBody);
    }

    @Test
    void headersPathAndQueryAreRewrittenOnTheWayUp() {
        EdgeFilter f = TransformFilterFactory.create(config(
                new TransformConfig.NameOps(Map.of("x-api-version", "2"), List.of("cookie"), Map.of("x-client", "x-partner")),
                new TransformConfig.NameOps(Map.of("x-edge", "weft"), List.of("server"), Map.of()),
                TransformConfig.JsonOps.NONE, TransformConfig.JsonOps.NONE,
                Optional.of(new TransformConfig.PathRewrite("/v1/items/([^/]+)", "/catalog/items/$1")),
                new TransformConfig.NameOps(Map.of("source", "edge gw"), List.of("debug"), Map.of("q", "query")),
                TransformConfig.Conversion.UNCHANGED, TransformConfig.Conversion.UNCHANGED));
        EdgeRequest req = Exchanges.request("GET", "/v1/items/b1", "cookie", "s=1", "x-client", "acme");
        req.rawQuery("q=red%20shoes&debug=1&page=2");
        EdgeRequest[] seen = new EdgeRequest[1];
        EdgeResponse res = f.filter(req, r -> {
            seen[0] = r;
            EdgeResponse up = EdgeResponse.of(200, new byte[0]);
            up.header("server", "internal-7");
            return up;
        });
        assertEquals("/catalog/items/b1", seen[0].path());
        assertEquals("query=red%20shoes&page=2&source=edge%20gw", seen[0].rawQuery());
        assertEquals("2", seen[0].header("x-api-version").orElseThrow());
        assertEquals("acme", seen[0].header("x-partner").orElseThrow());
        assertFalse(seen[0].header("x-client").isPresent() || seen[0].header("cookie").isPresent());
        assertEquals("weft", res.header("x-edge").orElseThrow());
        assertFalse(res.header("server").isPresent());
    }

    @Test
    void jsonFieldsAreRenamedRemovedAndInjectedIncludingInsideArrays() {
        EdgeFilter f = TransformFilterFactory.create(config(NONE, NONE,
                new TransformConfig.JsonOps(Map.of("amount", "amountCents"), List.of(), Map.of("meta.via", "\"edge\"")),
                new TransformConfig.JsonOps(Map.of("items.title", "name"), List.of("internal", "items.cost"), Map.of("apiVersion", "2")),
                Optional.empty(), NONE, TransformConfig.Conversion.UNCHANGED, TransformConfig.Conversion.UNCHANGED));
        EdgeRequest req = Exchanges.withBody(Exchanges.request("POST", "/orders"), "{\"amount\":12}");
        EdgeRequest[] seen = new EdgeRequest[1];
        EdgeResponse res = f.filter(req, Exchanges.okUpstream(seen,
                "{\"internal\":{\"db\":\"x\"},\"items\":[{\"title\":\"Boots\",\"cost\":3},{\"title\":\"Hat\",\"cost\":1}]}"));
        assertEquals("{\"amountCents\":12,\"meta\":{\"via\":\"edge\"}}", new String(seen[0].bodyBytes(), StandardCharsets.UTF_8));
        assertEquals("{\"items\":[{\"name\":\"Boots\"},{\"name\":\"Hat\"}],\"apiVersion\":2}", Exchanges.body(res));
    }

    @Test
    void malformedRequestJsonIs400AndNeverReachesTheUpstream() {
        EdgeFilter f = TransformFilterFactory.create(config(NONE, NONE,
                new TransformConfig.JsonOps(Map.of(), List.of("secret"), Map.of()), TransformConfig.JsonOps.NONE,
                Optional.empty(), NONE, TransformConfig.Conversion.UNCHANGED, TransformConfig.Conversion.UNCHANGED));
        for (String bad : List.of("{\"a\":", "not json", "{\"a\":1}}")) {
            EdgeRequest[] seen = new EdgeRequest[1];
            EdgeResponse r;
            try {
                r = f.filter(Exchanges.withBody(Exchanges.request("POST", "/x"), bad), Exchanges.okUpstream(seen, "{}"));
            } catch (io.weft.sidecar.edge.ProblemException e) {
                r = e.toResponse();
            }
            assertEquals(400, r.status(), bad);
            assertEquals("application/problem+json", r.header("content-type").orElseThrow());
            assertNull(seen[0]);
        }
    }

    @Test
    void xmlUpstreamIsServedAsJsonAndJsonClientsPostXml() {
        EdgeFilter f = TransformFilterFactory.create(config(NONE, NONE, TransformConfig.JsonOps.NONE, TransformConfig.JsonOps.NONE,
                Optional.empty(), NONE, TransformConfig.Conversion.JSON_TO_XML, TransformConfig.Conversion.XML_TO_JSON));
        EdgeRequest req = Exchanges.withBody(Exchanges.request("POST", "/legacy"), "{\"order\":{\"@id\":\"7\",\"item\":[\"a\",\"b\"]}}");
        EdgeRequest[] seen = new EdgeRequest[1];
        EdgeResponse res = f.filter(req, r -> {
            seen[0] = r;
            EdgeResponse up = EdgeResponse.of(200, "<receipt status=\"ok\"><line>a</line><line>b</line><total>9.5</total></receipt>"
                    .getBytes(StandardCharsets.UTF_8));
            up.header("content-type", "application/xml");
            return up;
        });
        String xml = new String(seen[0].bodyBytes(), StandardCharsets.UTF_8);
        assertTrue(xml.contains("<order id=\"7\"><item>a</item><item>b</item></order>"), xml);
        assertEquals("application/xml; charset=utf-8", seen[0].header("content-type").orElseThrow());
        assertEquals("{\"receipt\":{\"@status\":\"ok\",\"line\":[\"a\",\"b\"],\"total\":\"9.5\"}}", Exchanges.body(res));
        assertEquals("application/json", res.header("content-type").orElseThrow());
    }

    @Test
    void xmlWithADoctypeIsRefusedSoNoExternalEntityIsEverRead() {
        EdgeFilter f = TransformFilterFactory.create(config(NONE, NONE, TransformConfig.JsonOps.NONE, TransformConfig.JsonOps.NONE,
                Optional.empty(), NONE, TransformConfig.Conversion.XML_TO_JSON, TransformConfig.Conversion.UNCHANGED));
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>";
        EdgeRequest[] seen = new EdgeRequest[1];
        EdgeResponse r;
        try {
            r = f.filter(Exchanges.withBody(Exchanges.request("POST", "/x"), xxe), Exchanges.okUpstream(seen, "{}"));
        } catch (io.weft.sidecar.edge.ProblemException e) {
            r = e.toResponse();
        }
        assertEquals(400, r.status());
        assertNull(seen[0]);
    }
}
