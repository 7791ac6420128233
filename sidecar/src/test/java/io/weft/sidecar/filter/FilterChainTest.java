package io.weft.sidecar.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.StringValue;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.weft.proto.MeshNames;
import io.weft.sidecar.testing.Backend;
import io.weft.sidecar.testing.ProxyFixture;
import io.weft.sidecar.testing.RawHttp;
import io.weft.sidecar.testing.Xds;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-route filter chain, through a real sidecar configured over real ADS. */
class FilterChainTest {
    private static final FilterRegistry REGISTRY = FilterRegistry.of(List.of(new TagFilterFactory()));

    private static HttpFilter tag(String name, String tag) {
        return Xds.filter(name, StringValue.of(tag));
    }

    @Test
    void filtersRunInListenerOrderChangeTheUpstreamRequestAndSeeTheResponse() throws Exception {
        try (Backend app = Backend.echo("app"); ProxyFixture p = ProxyFixture.start(1, REGISTRY)) {
            p.set(Xds.outbound(tag("first", "a"), tag("second", "b")),
                    Xds.routes(MeshNames.OUTBOUND_LISTENER, Xds.host("svc", "svc", Xds.route("all", "/", "svc").build())),
                    Xds.edsCluster("svc").build(), Xds.endpoints("svc", app.port()));
            RawHttp.Response r = p.await("svc", "/x", x -> x.status() == 200);
            assertEquals(200, r.status(), r.body());
            assertTrue(r.body().contains("x-tags: a,b\n"), r.body());
            assertEquals("200", r.header("x-seen-a").orElse(""));
            assertEquals("200", r.header("x-seen-b").orElse(""));
            assertEquals("", r.flags());
        }
    }

    @Test
    void routeOverridesReplaceOrDisableAListenerFilter() throws Exception {
        try (Backend app = Backend.echo("app"); ProxyFixture p = ProxyFixture.start(1, REGISTRY)) {
            var deny = Xds.route("deny", "/deny", "svc")
                    .putTypedPerFilterConfig("second", Any.pack(StringValue.of("deny-all"))).build();
            var skip = Xds.route("skip", "/skip", "svc")
                    .putTypedPerFilterConfig("first", Any.pack(FilterConfig.newBuilder().setDisabled(true).build())).build();
            p.set(Xds.outbound(tag("first", "a"), tag("second", "b")),
                    Xds.routes(MeshNames.OUTBOUND_LISTENER, Xds.host("svc", "svc", deny, skip, Xds.route("all", "/", "svc").build())),
                    Xds.edsCluster("svc").build(), Xds.endpoints("svc", app.port()));
            p.await("svc", "/", x -> x.status() == 200);
            int before = app.requests();

            RawHttp.Response denied = p.get("svc", "/deny");
            assertEquals(403, denied.status());
            assertEquals("UAEX", denied.flags());
            assertTrue(denied.body().contains("denied by deny-all on route deny"), denied.body());
            assertEquals("403", denied.header("x-seen-a").orElse(""), "the outer filter still sees the answer");
            assertEquals(before, app.requests(), "a filter that answers stops the request before the app");

            RawHttp.Response skipped = p.get("svc", "/skip");
            assertEquals(200, skipped.status());
            assertTrue(skipped.body().contains("x-tags: b\n"), skipped.body());
            assertTrue(skipped.header("x-seen-a").isEmpty());
        }
    }

    @Test
    void listenerFilterDisabledByDefaultRunsOnlyWhereARouteEnablesIt() throws Exception {
        try (Backend app = Backend.echo("app"); ProxyFixture p = ProxyFixture.start(1, REGISTRY)) {
            var on = Xds.route("on", "/on", "svc")
                    .putTypedPerFilterConfig("opt-in", Any.pack(FilterConfig.newBuilder().build())).build();
            p.set(Xds.outbound(tag("opt-in", "z").toBuilder().setDisabled(true).build()),
                    Xds.routes(MeshNames.OUTBOUND_LISTENER, Xds.host("svc", "svc", on, Xds.route("all", "/", "svc").build())),
                    Xds.edsCluster("svc").build(), Xds.endpoints("svc", app.port()));
            RawHttp.Response off = p.await("svc", "/off", x -> x.status() == 200);
            assertTrue(!off.body().contains("x-tags"), off.body());
            assertTrue(p.get("svc", "/on").body().contains("x-tags: z\n"));
        }
    }

    @Test
    void unknownFilterIsRefusedWithItsNameAndTheLastGoodConfigKeepsServing() throws Exception {
        try (Backend app = Backend.echo("app"); ProxyFixture p = ProxyFixture.start()) {
            p.set(Xds.outbound(),
                    Xds.routes(MeshNames.OUTBOUND_LISTENER, Xds.host("svc", "svc", Xds.route("all", "/", "svc").build())),
                    Xds.edsCluster("svc").build(), Xds.endpoints("svc", app.port()));
            p.await("svc", "/", x -> x.status() == 200);

            p.set(Xds.outbound(tag("mystery", "m")));
            String nack = ProxyFixture.await(() -> String.join("\n", p.xds.nacks()), n -> !n.isEmpty());
            assertTrue(nack.contains("Listener weft.outbound: http_filters[0] mystery")
                    && nack.contains("google.protobuf.StringValue"), nack);
            RawHttp.Response still = p.get("svc", "/");
            assertEquals(200, still.status());
            assertTrue(!still.body().contains("x-tags"), still.body());

            // the same filter marked optional is skipped, and the listener is accepted
            p.set(Xds.outbound(tag("mystery", "m").toBuilder().setIsOptional(true).build()));
            int nacks = p.xds.nacks().size();
            ProxyFixture.await(() -> p.xds.requests().getLast(), r -> r.getTypeUrl().equals(MeshNames.LISTENER_TYPE)
                    && !r.hasErrorDetail() && r.getVersionInfo().equals("3"));
            assertEquals(nacks, p.xds.nacks().size());
        }
    }
}
