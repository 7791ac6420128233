package io.weft.sidecar;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.webserver.WebServer;
import io.weft.proto.MeshNames;
import io.weft.sidecar.bootstrap.Bootstrap;
import io.weft.sidecar.config.SnapshotCompiler;
import io.weft.sidecar.config.SnapshotHolder;
import io.weft.sidecar.filter.FilterContext;
import io.weft.sidecar.filter.FilterRegistry;
import io.weft.sidecar.filter.SharedResources;
import io.weft.sidecar.listener.AccessLog;
import io.weft.sidecar.listener.AdminService;
import io.weft.sidecar.edge.EdgeIngress;
import io.weft.sidecar.edge.ProblemDirectHandler;
import io.weft.sidecar.filter.cache.ResponseCaches;
import io.weft.sidecar.listener.ProxyHandler;
import io.weft.sidecar.upstream.Forwarder;
import io.weft.sidecar.upstream.client.Http1Client;
import io.weft.sidecar.upstream.client.Http2Upstream;
import io.weft.sidecar.upstream.grpc.GrpcForwarder;
import io.weft.sidecar.xds.AdsClient;
import io.weft.sidecar.xds.XdsUpdateListener;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A running Weft proxy: its listeners on Helidon WebServer (inbound + outbound for a sidecar, the
 * public listener for an edge, and the admin port), and the ADS client that keeps its snapshot current.
 * Ports are bound before the proxy registers, so port 0 works everywhere (tests bind ephemeral ports).
 */
public final class Sidecar implements AutoCloseable {
    static final String INBOUND = "inbound";
    static final String OUTBOUND = "outbound";
    static final String EDGE = "edge";

    private final Bootstrap bootstrap;
    private final SnapshotHolder snapshots = new SnapshotHolder();
    private final SharedResources shared = new SharedResources();
    private final WebServer server;
    private final Http1Client http1 = new Http1Client();
    private final Http2Upstream http2 = new Http2Upstream();
    private final GrpcForwarder grpc = new GrpcForwarder();
    private final ManagedChannel channel;
    private final AdsClient ads;
    private final AdminService admin;
    private final Clock clock;

    private Sidecar(Bootstrap bootstrap, FilterRegistry filters, Clock clock) {
        this.bootstrap = bootstrap;
        this.clock = clock;
        AdsClient[] adsRef = new AdsClient[1];
        this.admin = new AdminService(bootstrap, snapshots, () -> adsRef[0] == null ? java.util.Optional.empty() : adsRef[0].lastError());
        Forwarder forwarder = new Forwarder(http1, http2, grpc);
        AccessLog log = AccessLog.flagged();
        ContentEncodingContext identity = ContentEncodingContext.builder().contentEncodingsDiscoverServices(false).build();
        io.helidon.webserver.WebServerConfig.Builder b = WebServer.builder()
                .host("127.0.0.1")
                .port(bootstrap.adminPort())
                .contentEncoding(identity)
                .shutdownHook(false)
                .routing(r -> {
                    r.register("/", admin);
                    if (bootstrap.mode() == Bootstrap.Mode.EDGE) {
                        r.post("/edge/cache/purge", this::purge);
                    }
                });
        if (bootstrap.mode() == Bootstrap.Mode.SIDECAR) {
            b.putSocket(INBOUND, s -> s.host("0.0.0.0").port(bootstrap.inboundPort()).contentEncoding(identity)
                    .routing(r -> r.any(new ProxyHandler(MeshNames.INBOUND_LISTENER, snapshots, forwarder, log))));
            b.putSocket(OUTBOUND, s -> s.host("127.0.0.1").port(bootstrap.outboundPort()).contentEncoding(identity)
                    .routing(r -> r.any(new ProxyHandler(MeshNames.OUTBOUND_LISTENER, snapshots, forwarder, log))));
        } else {
            // The edge is a listener like the others, with the edge's ingress: normalized paths, trusted
            // headers stripped, problem+json; its routes' chains hold the weft.edge.* filters.
            ProxyHandler edge = new ProxyHandler(MeshNames.EDGE_LISTENER, snapshots, forwarder, log, new EdgeIngress());
            b.putSocket(EDGE, s -> s.host("0.0.0.0").port(bootstrap.edgePort()).contentEncoding(identity)
                    .directHandlers(ProblemDirectHandler.all())
                    .routing(r -> r.any(edge)));
        }
        this.server = b.build().start();
        this.channel = NettyChannelBuilder.forTarget(bootstrap.controlPlane())
                .usePlaintext()
                .keepAliveTime(30, TimeUnit.SECONDS)
                .build();
        FilterContext filterContext = new FilterContext(clock, shared, bootstrap.nodeId(), bootstrap.service(), "", "");
        this.ads = new AdsClient(channel, node(), new SnapshotCompiler(filters, filterContext, snapshots),
                new XdsUpdateListener() { });
        adsRef[0] = ads;
        ads.start();
    }

    /** Binds the ports, then connects to the control plane. Does not wait for the first config. */
    public static Sidecar start(Bootstrap bootstrap) {
        return start(bootstrap, FilterRegistry.builtIn(), Clock.systemUTC());
    }

    /** As {@link #start(Bootstrap)}, with the given filters and clock (tests add their own filters). */
    public static Sidecar start(Bootstrap bootstrap, FilterRegistry filters, Clock clock) {
        return new Sidecar(Objects.requireNonNull(bootstrap, "bootstrap"), Objects.requireNonNull(filters, "filters"),
                Objects.requireNonNull(clock, "clock"));
    }

    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return snapshots.awaitFirst(timeout);
    }

    public int adminPort() {
        return server.port();
    }

    public int inboundPort() {
        return server.port(INBOUND);
    }

    public int outboundPort() {
        return server.port(OUTBOUND);
    }

    public int edgePort() {
        return server.port(EDGE);
    }

    public Bootstrap bootstrap() {
        return bootstrap;
    }

    private Node node() {
        boolean sidecar = bootstrap.mode() == Bootstrap.Mode.SIDECAR;
        Struct.Builder md = Struct.newBuilder()
                .putFields(MeshNames.META_MODE, str(bootstrap.mode().name().toLowerCase(Locale.ROOT)))
                .putFields(MeshNames.META_SERVICE, str(bootstrap.service()))
                .putFields(MeshNames.META_NAMESPACE, str(bootstrap.namespace()))
                .putFields(MeshNames.META_ADDRESS, str(bootstrap.address()));
        if (sidecar) {
            md.putFields(MeshNames.META_INBOUND_PORT, num(inboundPort()))
                    .putFields(MeshNames.META_OUTBOUND_PORT, num(outboundPort()))
                    .putFields(MeshNames.META_APP_PORT, num(bootstrap.appPort()));
        } else {
            md.putFields(MeshNames.META_EDGE_PORT, num(edgePort()));
        }
        Struct.Builder labels = Struct.newBuilder();
        bootstrap.labels().forEach((k, v) -> labels.putFields(k, str(v)));
        md.putFields(MeshNames.META_LABELS, Value.newBuilder().setStructValue(labels).build());
        return Node.newBuilder()
                .setId(bootstrap.nodeId())
                .setCluster(bootstrap.service())
                .setUserAgentName("weft")
                .setMetadata(md)
                .build();
    }

    private static Value str(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }

    private static Value num(int n) {
        return Value.newBuilder().setNumberValue(n).build();
    }

    @Override
    public void close() {
        admin.draining();
        ads.close();
        channel.shutdownNow();
        server.stop();
        http1.close();
        http2.close();
        grpc.close();
        shared.close();
    }

    /** Admin: {@code POST /edge/cache/purge[?route=R][&prefix=/path]} drops cached edge responses. */
    private void purge(io.helidon.webserver.http.ServerRequest req, io.helidon.webserver.http.ServerResponse res) {
        long n = ResponseCaches.of(shared, clock).purge(req.query().first("route").orElse(""), req.query().first("prefix").orElse(""));
        res.header(io.helidon.http.HeaderNames.CONTENT_TYPE, "application/json").send("{\"purged\":" + n + "}\n");
    }
}
