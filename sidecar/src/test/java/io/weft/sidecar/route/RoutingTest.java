package io.weft.sidecar.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.weft.proto.MeshNames;
import io.weft.sidecar.testing.Backend;
import io.weft.sidecar.testing.Counting;
import io.weft.sidecar.testing.ProxyFixture;
import io.weft.sidecar.testing.RawHttp;
import io.weft.sidecar.testing.Xds;
import org.junit.jupiter.api.Test;

/** Route matching and route actions, through a real sidecar with echo backends. */
class RoutingTest {
    private static Route.Builder to(String name, RouteMatch.Builder match, String cluster) {
        return Route.newBuilder().setName(name).setMatch(match).setRoute(RouteAction.newBuilder().setCluster(cluster));
    }

    @Test
    void matchersRewritesRedirectsAndDirectResponses() throws Exception {
        try (Backend v1 = Backend.echo("v1"); Backend v2 = Backend.echo("v2"); ProxyFixture p = ProxyFixture.start()) {
            Route beta = to("beta", RouteMatch.newBuilder().setPrefix("/")
                    .addHeaders(HeaderMatcher.newBuilder().setName("x-beta").setStringMatch(StringMatcher.newBuilder().setExact("1")))
                    .addQueryParameters(QueryParameterMatcher.newBuilder().setName("tier")
                            .setStringMatch(StringMatcher.newBuilder().setPrefix("gold"))), "v2").build();
            Route regex = Route.newBuilder().setName("regex").setMatch(RouteMatch.newBuilder().setPrefix("/items/"))
                    .setRoute(RouteAction.newBuilder().setCluster("v1").setHostRewriteLiteral("catalog.internal")
                            .setRegexRewrite(RegexMatchAndSubstitute.newBuilder()
                                    .setPattern(RegexMatcher.newBuilder().setRegex("^/items/([0-9]+)/detail$"))
                                    .setSubstitution("/v2/item?id=\\1"))).build();
            Route api = Route.newBuilder().setName("api").setMatch(RouteMatch.newBuilder().setPathSeparatedPrefix("/api"))
                    .setRoute(RouteAction.newBuilder().setCluster("v1").setPrefixRewrite("/internal")).build();
            Route moved = Route.newBuilder().setName("moved").setMatch(RouteMatch.newBuilder().setPrefix("/old/"))
                    .setRedirect(RedirectAction.newBuilder().setHttpsRedirect(true).setHostRedirect("new.example")
                            .setPrefixRewrite("/new/").setResponseCode(RedirectAction.RedirectResponseCode.PERMANENT_REDIRECT)).build();
            Route teapot = Route.newBuilder().setName("teapot").setMatch(RouteMatch.newBuilder().setPath("/tea"))
                    .setDirectResponse(DirectResponseAction.newBuilder().setStatus(418)
                            .setBody(DataSource.newBuilder().setInlineString("short and stout"))).build();
            p.set(Xds.outbound(), Xds.routes(MeshNames.OUTBOUND_LISTENER, Xds.host("svc", "svc", beta, regex, api, moved, teapot,
                            Xds.route("rest", "/", "v1").build())),
                    Xds.edsCluster("v1").build(), Xds.endpoints("v1", v1.port()),
                    Xds.edsCluster("v2").build(), Xds.endpoints("v2", v2.port()));
            p.awaitRouted("svc");

            assertEquals("v2", p.get("svc", "/x?tier=gold-plus", "x-beta", "1").header("x-backend").orElse(""));
            assertEquals("v1", p.get("svc", "/x?tier=silver", "x-beta", "1").header("x-backend").orElse(""), "query must match too");
            assertEquals("v1", p.get("svc", "/x?tier=gold", "x-beta", "0").header("x-backend").orElse(""), "header must match too");

            RawHttp.Response rw = p.get("svc", "/items/42/detail");
            assertTrue(rw.body().startsWith("GET /v2/item?id=42\n"), rw.body());
            assertTrue(rw.body().contains("host: catalog.internal\n"), rw.body());

            assertTrue(p.get("svc", "/api/users").body().startsWith("GET /internal/users\n"));
            assertTrue(p.get("svc", "/api").body().startsWith("GET /internal\n"));
            assertTrue(p.get("svc", "/apix").body().startsWith("GET /apix\n"), "a separated prefix stops at a segment boundary");

            RawHttp.Response redirect = p.get("svc", "/old/page?a=1");
            assertEquals(308, redirect.status());
            assertEquals("https://new.example/new/page?a=1", redirect.header("location").orElse(""));

            RawHttp.Response tea = p.get("svc", "/tea");
            assertEquals(418, tea.status());
            assertEquals("short and stout", tea.body());
        }
    }

    @Test
    void weightedClustersSplitTrafficAndMirrorsGetACopy() throws Exception {
        try (Backend stable = Backend.echo("stable"); Backend canary = Backend.echo("canary"); Backend shadow = Backend.echo("shadow");
             ProxyFixture p = ProxyFixture.start()) {
            Route split = Route.newBuilder().setName("split").setMatch(RouteMatch.newBuilder().setPrefix("/"))
                    .setRoute(RouteAction.newBuilder().setWeightedClusters(WeightedCluster.newBuilder()
                                    .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("stable").setWeight(UInt32Value.of(80)))
                                    .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("canary").setWeight(UInt32Value.of(20))))
                            .addRequestMirrorPolicies(RouteAction.RequestMirrorPolicy.newBuilder().setCluster("shadow"))).build();
            p.set(Xds.outbound(), Xds.routes(MeshNames.OUTBOUND_LISTENER, Xds.host("svc", "svc", split)),
                    Xds.edsCluster("stable").build(), Xds.endpoints("stable", stable.port()),
                    Xds.edsCluster("canary").build(), Xds.endpoints("canary", canary.port()),
                    Xds.edsCluster("shadow").build(), Xds.endpoints("shadow", shadow.port()));
            p.awaitRouted("svc");
            Counting n = new Counting();
            for (int i = 0; i < 400; i++) {
                n.add(p.get("svc", "/"));
            }
            assertTrue(n.of("canary") > 40 && n.of("canary") < 120, "about 20% to the canary: " + n);
            assertEquals(0, n.of("shadow"), "the mirror's answers never reach the caller");
            ProxyFixture.await(shadow::requests, c -> c >= 400);
            assertTrue(shadow.requests() >= 400, "every request was mirrored: " + shadow.requests());
        }
    }
}
