package io.weft.sidecar.filter.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.weft.proto.v1.AggregateCall;
import io.weft.proto.v1.EdgeAggregate;
import io.weft.sidecar.testing.Backend;
import io.weft.sidecar.testing.EdgeFixture;
import io.weft.sidecar.testing.ProxyFixture;
import io.weft.sidecar.testing.RawHttp;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * API composition through a real edge with real upstreams: users and catalog answer JSON, one upstream
 * answers only when a test lets it (to hit a call's timeout), one always fails, and one answers only
 * once two calls wait on it at the same time (which proves the calls run in parallel).
 */
class AggregateFilterTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final CountDownLatch RELEASE_SLOW = new CountDownLatch(1);
    static final CyclicBarrier PAIR = new CyclicBarrier(2);
    static Backend users;
    static Backend catalog;
    static Backend slow;
    static Backend broken;
    static Backend gate;
    static EdgeFixture edge;

    static AggregateCall.Builder call(String name, String cluster, String path) {
        return AggregateCall.newBuilder().setName(name).setCluster(cluster).setPath(path);
    }

    static AggregateCall.Builder call(String name, String cluster, String path, long timeoutMillis) {
        return call(name, cluster, path).setTimeout(com.google.protobuf.Duration.newBuilder()
                .setSeconds(timeoutMillis / 1000).setNanos((int) (timeoutMillis % 1000) * 1_000_000));
    }

    static EdgeAggregate aggregate(EdgeAggregate.OnFailure policy, AggregateCall.Builder... calls) {
        EdgeAggregate.Builder b = EdgeAggregate.newBuilder().setOnFailure(policy);
        for (AggregateCall.Builder c : calls) {
            b.addCalls(c);
        }
        return b.build();
    }

    @BeforeAll
    static void start() throws Exception {
        users = Backend.of("users", (req, res) -> {
            String id = req.path().rawPath().substring("/users/".length());
            res.header(HeaderNames.CONTENT_TYPE, "application/json").send("{\"id\":\"" + id + "\",\"name\":\"Ada\","
                    + "\"favourite\":\"b1\",\"seenBy\":\"" + req.headers().first(HeaderNames.create("x-weft-identity")).orElse("") + "\"}");
        });
        catalog = Backend.of("catalog", (req, res) -> res.header(HeaderNames.CONTENT_TYPE, "application/json")
                .send(req.path().rawPath().equals("/catalog/featured") ? "[{\"id\":\"h2\",\"title\":\"Hat\"}]"
                        : "{\"id\":\"" + req.path().rawPath().substring("/catalog/items/".length()) + "\",\"title\":\"Boots\"}"));
        slow = Backend.of("slow", (req, res) -> {
            RELEASE_SLOW.await(10, TimeUnit.SECONDS);
            res.send("{\"late\":true}");
        });
        broken = Backend.of("broken", (req, res) -> res.status(Status.INTERNAL_SERVER_ERROR_500).send("oops"));
        gate = Backend.of("gate", (req, res) -> {
            PAIR.await(5, TimeUnit.SECONDS);
            res.header(HeaderNames.CONTENT_TYPE, "application/json").send("{\"ok\":true}");
        });
        edge = EdgeFixture.start(Clock.systemUTC()).cluster("users", users.port()).cluster("catalog", catalog.port())
                .cluster("slow", slow.port()).cluster("broken", broken.port()).cluster("gate", gate.port());
        AggregateCall.Builder user = call("user", "users", "/users/{query.user}");
        edge.routes(
                EdgeFixture.route("home", "/home", "users", aggregate(EdgeAggregate.OnFailure.FAIL, user,
                        call("favourite", "catalog", "/catalog/items/{user.favourite}"),
                        call("featured", "catalog", "/catalog/featured"))),
                EdgeFixture.route("slow-fail", "/slow-fail", "users", aggregate(EdgeAggregate.OnFailure.FAIL, user,
                        call("slow", "slow", "/slow", 300))),
                EdgeFixture.route("slow-partial", "/slow-partial", "users", aggregate(EdgeAggregate.OnFailure.PARTIAL, user,
                        call("slow", "slow", "/slow", 300))),
                EdgeFixture.route("broken-fail", "/broken-fail", "users", aggregate(EdgeAggregate.OnFailure.FAIL, user,
                        call("broken", "broken", "/x"))),
                EdgeFixture.route("broken-partial", "/broken-partial", "users", aggregate(EdgeAggregate.OnFailure.PARTIAL, user,
                        call("broken", "broken", "/x"), call("after", "catalog", "/catalog/items/{broken.id}"))),
                EdgeFixture.route("parallel", "/parallel", "gate", aggregate(EdgeAggregate.OnFailure.FAIL,
                        call("a", "gate", "/a", 3000), call("b", "gate", "/b", 3000))))
                .awaitRouted("/home?user=7");
    }

    @AfterAll
    static void stop() {
        RELEASE_SLOW.countDown();
        edge.close();
        for (Backend b : new Backend[] {users, catalog, slow, broken, gate}) {
            b.close();
        }
    }

    static JsonNode json(RawHttp.Response r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void callsAreMergedAndADependentCallUsesAFieldOfAnEarlierAnswer() throws Exception {
        RawHttp.Response r = edge.get("/home?user=7", "x-weft-identity", "forged");
        assertEquals(200, r.status(), r.body());
        assertEquals("application/json", r.header("content-type").orElseThrow());
        JsonNode home = json(r);
        assertEquals("7", home.at("/user/id").asText());
        assertEquals("b1", home.at("/favourite/id").asText(), "the item call used the user's favourite");
        assertEquals("Hat", home.at("/featured/0/title").asText());
        assertEquals("", home.at("/user/seenBy").asText(), "sub-requests carry the edge's headers, not forged ones");
        assertFalse(home.has("errors"));
    }

    @Test
    void callsRunInParallel() throws Exception {
        RawHttp.Response r = edge.get("/parallel");
        assertEquals(200, r.status(), "both calls must wait at the gate at once: " + r.body());
        assertTrue(json(r).at("/a/ok").asBoolean() && json(r).at("/b/ok").asBoolean(), r.body());
    }

    @Test
    void aSlowCallHitsItsTimeoutAndFailsTheRequestUnderTheFailPolicy() throws Exception {
        RawHttp.Response r = edge.get("/slow-fail?user=7");
        assertEquals(504, r.status(), r.body());
        assertEquals("application/problem+json", r.header("content-type").orElseThrow());
        assertTrue(r.body().contains("no answer within 300ms"), r.body());
        assertEquals(1, RELEASE_SLOW.getCount(), "answered before the slow upstream did");
    }

    @Test
    void aSlowCallBecomesAnErrorEntryUnderThePartialPolicy() throws Exception {
        RawHttp.Response r = edge.get("/slow-partial?user=7");
        assertEquals(200, r.status(), r.body());
        JsonNode body = json(r);
        assertEquals("Ada", body.at("/user/name").asText());
        assertEquals(504, body.at("/errors/slow/status").asInt(), r.body());
        assertEquals("no answer within 300ms", body.at("/errors/slow/detail").asText());
        assertFalse(body.has("slow"));
        assertEquals(1, RELEASE_SLOW.getCount(), "answered before the slow upstream did");
    }

    @Test
    void aFailingCallFailsTheRequestOrIsReportedWithItsDependents() throws Exception {
        RawHttp.Response failed = edge.get("/broken-fail?user=7");
        assertEquals(502, failed.status(), failed.body());
        assertTrue(failed.body().contains("broken answered 500"), failed.body());

        RawHttp.Response partial = edge.get("/broken-partial?user=7");
        assertEquals(200, partial.status(), partial.body());
        JsonNode body = json(partial);
        assertEquals("7", body.at("/user/id").asText());
        assertEquals(502, body.at("/errors/broken/status").asInt());
        assertEquals("broken answered 500", body.at("/errors/broken/detail").asText());
        assertTrue(body.at("/errors/after/detail").asText().contains("call \"broken\" it reads from failed"), partial.body());
    }

    @Test
    void missingClientInputIs400BeforeAnyCall() throws Exception {
        int before = users.requests();
        RawHttp.Response r = edge.get("/home");
        assertEquals(400, r.status(), r.body());
        assertEquals("application/problem+json", r.header("content-type").orElseThrow());
        assertTrue(r.body().contains("query parameter \\\"user\\\" is required"), r.body());
        assertEquals(before, users.requests());
    }

    @Test
    void aCallReadingFromALaterOrUnknownCallIsRefusedWithTheReason() throws Exception {
        try (Backend app = Backend.echo("app"); EdgeFixture other = EdgeFixture.start(Clock.systemUTC())) {
            other.cluster("app", app.port()).routes(EdgeFixture.route("bad", "/bad", "app",
                    aggregate(EdgeAggregate.OnFailure.FAIL, call("first", "app", "/a/{second.id}"), call("second", "app", "/b"))));
            String nack = ProxyFixture.await(() -> String.join("\n", other.xds.nacks()), n -> !n.isEmpty());
            assertTrue(nack.contains("typed_per_filter_config[weft.edge.aggregate]: calls[0]: \"/a/{second.id}\" reads from "
                    + "\"second\" (expected: query, header or a call declared before this one"), nack);
        }
    }
}
