package io.weft.sidecar.filter.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.weft.proto.MeshNames;
import io.weft.sidecar.testing.Backend;
import io.weft.sidecar.testing.ProxyFixture;
import io.weft.sidecar.testing.RawHttp;
import io.weft.sidecar.testing.Xds;
import org.junit.jupiter.api.Test;

/** Envoy's HTTPFault filter, sent by a control plane as a standard listener filter. */
class FaultFilterTest {
    private static final FractionalPercent ALL = FractionalPercent.newBuilder().setNumerator(100).build();

    @Test
    void abortAnswersWithTheStatusAndFiFlagWithoutReachingTheApp() throws Exception {
        HTTPFault abort = HTTPFault.newBuilder()
                .setAbort(FaultAbort.newBuilder().setHttpStatus(503).setPercentage(ALL)).build();
        HTTPFault delayOnly = HTTPFault.newBuilder()
                .setDelay(FaultDelay.newBuilder().setFixedDelay(Duration.newBuilder().setNanos(1_000_000)).setPercentage(ALL)).build();
        try (Backend app = Backend.echo("app"); ProxyFixture p = ProxyFixture.start()) {
            var slow = Xds.route("slow", "/slow", "svc").putTypedPerFilterConfig("fault", Any.pack(delayOnly)).build();
            p.set(Xds.outbound(Xds.filter("fault", abort)),
                    Xds.routes(MeshNames.OUTBOUND_LISTENER, Xds.host("svc", "svc", slow, Xds.route("all", "/", "svc").build())),
                    Xds.edsCluster("svc").build(), Xds.endpoints("svc", app.port()));
            RawHttp.Response r = p.await("svc", "/x", x -> x.flags().equals("FI"));
            assertEquals(503, r.status());
            assertEquals("FI", r.flags());
            assertEquals(0, app.requests());

            RawHttp.Response delayed = p.get("svc", "/slow");
            assertEquals(200, delayed.status(), delayed.body());
            assertEquals("DI", delayed.flags());
            assertEquals(1, app.requests());
        }
    }

    @Test
    void grpcAbortAnswersGrpcCallersWithTheGrpcStatus() throws Exception {
        HTTPFault abort = HTTPFault.newBuilder()
                .setAbort(FaultAbort.newBuilder().setGrpcStatus(14).setPercentage(ALL)).build();
        try (Backend app = Backend.echo("app"); ProxyFixture p = ProxyFixture.start()) {
            p.set(Xds.outbound(Xds.filter("fault", abort)),
                    Xds.routes(MeshNames.OUTBOUND_LISTENER, Xds.host("svc", "svc", Xds.route("all", "/", "svc").build())),
                    Xds.edsCluster("svc").build(), Xds.endpoints("svc", app.port()));
            RawHttp.Response r = ProxyFixture.await(() -> p.get("svc", "/pkg.Svc/Call", "content-type", "application/grpc"),
                    x -> x.flags().equals("FI"));
            assertEquals(200, r.status());
            assertEquals("14", r.header("grpc-status").orElse(""));
        }
    }

    @Test
    void invalidConfigIsRefusedNamingTheField() throws Exception {
        HTTPFault bad = HTTPFault.newBuilder()
                .setAbort(FaultAbort.newBuilder().setHttpStatus(99).setPercentage(ALL)).build();
        try (ProxyFixture p = ProxyFixture.start()) {
            p.set(Xds.outbound(Xds.filter("fault", bad)));
            String nack = ProxyFixture.await(() -> String.join("\n", p.xds.nacks()), n -> !n.isEmpty());
            assertTrue(nack.contains("http_filters[0] fault: abort.http_status: 99 (expected: 200 to 599)"), nack);
        }
    }
}
