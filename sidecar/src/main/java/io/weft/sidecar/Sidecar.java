package io.weft.sidecar;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.WebServerConfig;
import io.weft.proto.MeshNames;
import io.weft.sidecar.bootstrap.Bootstrap;
import io.weft.sidecar.bootstrap.EdgeTls;
import io.weft.sidecar.bootstrap.SecurityBootstrap;
import io.weft.sidecar.tls.MeshTls;
import io.weft.sidecar.tls.WorkloadIdentity;
import io.weft.sidecar.config.SnapshotCompiler;
import io.weft.sidecar.config.SnapshotHolder;
import io.weft.sidecar.edge.ProblemDirectHandler;
import io.weft.sidecar.filter.cache.ResponseCaches;
import io.weft.sidecar.filter.FilterContext;
import io.weft.sidecar.filter.FilterRegistry;
import io.weft.sidecar.filter.SharedResources;
import io.weft.sidecar.listener.AccessLog;
import io.weft.sidecar.listener.AdminService;
import io.weft.sidecar.edge.EdgeIngress;
import io.weft.sidecar.edge.tls.EdgeTlsContext;
import io.weft.sidecar.edge.tls.HttpsRedirect;
import io.weft.sidecar.listener.Drain;
import io.weft.sidecar.listener.ListenerStats;
import io.weft.sidecar.listener.OnDemand;
import io.weft.sidecar.listener.ProxyHandler;
import io.weft.sidecar.listener.RefusedRequests;
import io.weft.sidecar.listener.SlowClientGuard;
import io.weft.sidecar.listener.WebSocketTunnels;
import io.weft.sidecar.telemetry.ProxyTelemetry;
import io.weft.sidecar.upstream.Forwarder;
import io.weft.sidecar.upstream.Ticker;
import io.weft.sidecar.upstream.UpstreamRegistry;
import io.weft.sidecar.upstream.client.Http1Client;
import io.weft.sidecar.upstream.client.Http2Upstream;
import io.weft.sidecar.upstream.grpc.GrpcForwarder;
import io.weft.sidecar.xds.AdsClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running Weft proxy: its listeners on Helidon WebServer (inbound + outbound for a sidecar, the
 * public listener for an edge, and the admin port), the ADS client that keeps its snapshot current,
 * and the upstream machinery. Ports are bound before the proxy registers, so port 0 works everywhere.
 */
public final class Sidecar implements AutoCloseable {
    static final String INBOUND = "inbound";
    static final String OUTBOUND = "outbound";
    static final String EDGE = "edge";
    static final String EDGE_HTTP = "edge-http";
    private static final System.Logger LOG = System.getLogger(Sidecar.class.getName());
    private static final Duration QUIET = Duration.ofSeconds(1);
    /** How long a request for an unknown host waits for its config to be fetched on demand. */
    private static final Duration ON_DEMAND_WAIT = Duration.ofSeconds(2);

    private final Bootstrap bootstrap;
    private final SnapshotHolder snapshots = new SnapshotHolder();
    private final SharedResources shared = new SharedResources();
    private final Drain drain = new Drain();
    private final Http1Client http1 = new Http1Client();
    private final Http2Upstream http2 = new Http2Upstream();
    private final GrpcForwarder grpc = new GrpcForwarder();
    private final UpstreamRegistry upstreams;
    private final WebServer server;
    private final ManagedChannel channel;
    private final AdsClient ads;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final SlowClientGuard slowClients;
    private final ProxyTelemetry telemetry;
    private final Clock clock;
    private final Optional<EdgeTlsContext> edgeTls;

    private final Optional<SidecarSecurity> security;

    private Sidecar(Bootstrap bootstrap, FilterRegistry filters, Clock clock, Optional<SecurityBootstrap> securityBootstrap) {
        this.bootstrap = bootstrap;
        this.clock = clock;
        this.edgeTls = bootstrap.mode() == Bootstrap.Mode.EDGE ? bootstrap.edgeTls().map(EdgeTlsContext::start) : Optional.empty();
        this.security = securityBootstrap.map(sb -> SidecarSecurity.prepare(bootstrap, sb, snapshots));
        Optional<MeshTls> tls = security.map(SidecarSecurity::tls);
        this.telemetry = ProxyTelemetry.create(bootstrap.nodeId(), bootstrap.service(), bootstrap.namespace(),
                bootstrap.mode().name().toLowerCase(Locale.ROOT), clock);
        this.slowClients = new SlowClientGuard(bootstrap.limits().headerTimeout());
        this.upstreams = new UpstreamRegistry(Ticker.system(), bootstrap.labels().getOrDefault("zone", ""), http1,
                telemetry.upstream());
        Forwarder forwarder = new Forwarder(http1, http2, grpc, tls);
        AccessLog log = AccessLog.flagged();
        AdsClient[] adsRef = new AdsClient[1];
        ContentEncodingContext identity = ContentEncodingContext.builder().contentEncodingsDiscoverServices(false).build();
        Map<String, ListenerStats> stats = bootstrap.mode() == Bootstrap.Mode.SIDECAR
                ? Map.of(MeshNames.INBOUND_LISTENER, new ListenerStats(), MeshNames.OUTBOUND_LISTENER, new ListenerStats())
                : Map.of(MeshNames.EDGE_LISTENER, new ListenerStats());
        AdminService admin = new AdminService(bootstrap, snapshots,
                () -> adsRef[0] == null ? Optional.empty() : adsRef[0].lastError(), upstreams, http1, stats, drain);
        WebServerConfig.Builder b = WebServer.builder()
                .host("127.0.0.1")
                .port(bootstrap.adminPort())
                .contentEncoding(identity)
                .shutdownHook(false)
                .routing(r -> {
                    r.register("/", admin).register("/", telemetry.admin());
                    if (bootstrap.mode() == Bootstrap.Mode.EDGE) {
                        r.post("/edge/cache/purge", this::purge);
                    }
                });
        if (bootstrap.mode() == Bootstrap.Mode.SIDECAR) {
            b.putSocket(INBOUND, s -> {
                limits(s.host("0.0.0.0").port(bootstrap.inboundPort()).contentEncoding(identity))
                        .addProtocol(WebSocketTunnels.config(snapshots, MeshNames.INBOUND_LISTENER))
                        .directHandlers(RefusedRequests.handlers())
                        .routing(r -> r.any(handler(MeshNames.INBOUND_LISTENER, log, stats, true)));
                security.ifPresent(sec -> sec.tls().configureInbound(s, sec::inboundMode, sec.reporter()));
            });
            ProxyHandler outbound = handler(MeshNames.OUTBOUND_LISTENER, log, stats, false)
                    .onDemand(new OnDemand(name -> adsRef[0] != null && adsRef[0].subscribeRoute(name), snapshots,
                            MeshNames.OUTBOUND_LISTENER, ON_DEMAND_WAIT));
            b.putSocket(OUTBOUND, s -> limits(s.host("127.0.0.1").port(bootstrap.outboundPort()).contentEncoding(identity))
                    .addProtocol(WebSocketTunnels.config(snapshots, MeshNames.OUTBOUND_LISTENER))
                    .directHandlers(RefusedRequests.handlers())
                    .routing(r -> r.any(outbound)));
        } else {
            // The edge is a listener like the others, with the edge's ingress: normalized paths, trusted
            // headers stripped, problem+json; its routes' chains hold the weft.edge.* filters, and its
            // upstream calls (mTLS to mesh clusters included) are the data plane's forward actions.
            ProxyHandler edge = new ProxyHandler(MeshNames.EDGE_LISTENER, snapshots, log, stats.get(MeshNames.EDGE_LISTENER),
                    drain, true, telemetry.listener(MeshNames.EDGE_LISTENER), // drained on shutdown, like inbound
                    new EdgeIngress(bootstrap.edgeTls().map(EdgeTls::hstsMaxAge).orElse(Duration.ZERO)));
            b.putSocket(EDGE, s -> {
                limits(s.host("0.0.0.0").port(bootstrap.edgePort()).contentEncoding(identity))
                        .directHandlers(ProblemDirectHandler.all())
                        .routing(r -> r.any(edge));
                edgeTls.ifPresent(t -> s.tls(t.tls()));
            });
            bootstrap.edgeTls().filter(t -> t.httpPort() >= 0).ifPresent(t -> b.putSocket(EDGE_HTTP, s ->
                    limits(s.host("0.0.0.0").port(t.httpPort())).directHandlers(ProblemDirectHandler.all())
                    .routing(r -> r.any(new HttpsRedirect(this::edgePort)))));
        }
        this.server = b.build().start();
        if (security.isPresent()) {
            try {
                security.get().join(); // ports are bound; now the certificate, then mTLS ADS
            } catch (RuntimeException e) {
                server.stop();
                security.get().close();
                throw e;
            }
        }
        this.channel = security.map(SidecarSecurity::channel).orElseGet(() -> NettyChannelBuilder.forTarget(bootstrap.controlPlane())
                .usePlaintext()
                .keepAliveTime(30, TimeUnit.SECONDS)
                .build());
        FilterContext filterContext = new FilterContext(clock, shared, bootstrap.nodeId(), bootstrap.service(), "", "");
        this.ads = new AdsClient(channel, node(), new SnapshotCompiler(filters, filterContext, upstreams, forwarder, snapshots),
                telemetry.xds(), security.map(sec -> sec::trustBundle));
        adsRef[0] = ads;
        ads.start();
    }

    /** The bootstrap's client limits on a listener: body size (413), header timeout (slow clients), idle timeout. */
    private ListenerConfig.Builder limits(ListenerConfig.Builder s) {
        Bootstrap.Limits l = bootstrap.limits();
        Duration idle = l.idleTimeout();
        return s.maxPayloadSize(l.maxRequestBody())
                .errorHandling(e -> e.includeEntity(true)) // lets RefusedRequests see why (safe messages only)
                .addProtocol(Http1Config.builder().addReceiveListener(slowClients).build())
                .idleConnectionTimeout(idle)
                .idleConnectionPeriod(idle.compareTo(Duration.ofSeconds(10)) < 0 ? idle : Duration.ofSeconds(10));
    }

    private ProxyHandler handler(String listener, AccessLog log, Map<String, ListenerStats> stats, boolean inbound) {
        return new ProxyHandler(listener, snapshots, log, stats.get(listener), drain, inbound, telemetry.listener(listener));
    }

    /** Binds the ports, then connects to the control plane. Does not wait for the first config. */
    public static Sidecar start(Bootstrap bootstrap) {
        return start(bootstrap, FilterRegistry.builtIn(), Clock.systemUTC());
    }

    /** As {@link #start(Bootstrap)}, with the given filters and clock (tests add their own filters). */
    public static Sidecar start(Bootstrap bootstrap, FilterRegistry filters, Clock clock) {
        return new Sidecar(Objects.requireNonNull(bootstrap, "bootstrap"), Objects.requireNonNull(filters, "filters"),
                Objects.requireNonNull(clock, "clock"), Optional.empty());
    }

    /**
     * Joins a mesh with a CA: gets its certificate with the join token (waiting up to 2 minutes for the
     * control plane), then binds the ports (the inbound one speaking mTLS as the mesh's policy says)
     * and opens ADS over mTLS. Does not wait for the first config.
     *
     * @throws IllegalStateException when no certificate could be obtained
     */
    public static Sidecar start(Bootstrap bootstrap, SecurityBootstrap security) {
        return new Sidecar(Objects.requireNonNull(bootstrap, "bootstrap"), FilterRegistry.builtIn(), Clock.systemUTC(),
                Optional.of(security));
    }

    /** The workload identity, when the proxy joined with a CA. */
    public Optional<WorkloadIdentity> identity() {
        return security.map(SidecarSecurity::identity);
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

    /** The edge's plaintext port that redirects to HTTPS; -1 when there is none. */
    public int edgeHttpPort() {
        return server.port(EDGE_HTTP);
    }

    /** The edge's TLS, when it terminates TLS. */
    public Optional<EdgeTlsContext> edgeTls() {
        return edgeTls;
    }

    public Bootstrap bootstrap() {
        return bootstrap;
    }

    /** Tracing, metrics and logs of this proxy; also the hooks upstream and TLS code report to. */
    public ProxyTelemetry telemetry() {
        return telemetry;
    }

    /**
     * Graceful shutdown, as on SIGTERM: reports not ready and leaves the mesh (the control plane stops
     * sending traffic here), keeps serving inbound — with {@code Connection: close} so callers move on —
     * until inbound has been quiet for a second with nothing in flight (at most {@code drainTime}), then
     * refuses new inbound requests (503 DR) while outbound keeps working for the app until
     * {@code outboundGrace} after the start (sooner once the app has stopped listening and no outbound
     * call is in flight), then stops. Blocks until done.
     */
    public void shutdown() {
        if (closed.get()) {
            return;
        }
        long start = System.nanoTime();
        drain.startDraining();
        LOG.log(System.Logger.Level.INFO, "draining: inbound for up to " + bootstrap.drainTime()
                + ", outbound for up to " + bootstrap.outboundGrace());
        ads.close();
        security.ifPresent(SidecarSecurity::close);
        channel.shutdownNow();
        long quiet = Math.min(QUIET.toNanos(), bootstrap.drainTime().toNanos());
        while (System.nanoTime() - start < bootstrap.drainTime().toNanos()
                && !(drain.inboundInFlight() == 0 && drain.inboundQuietNanos() >= quiet)) {
            pause();
        }
        drain.closeInbound();
        while (System.nanoTime() - start < bootstrap.outboundGrace().toNanos()
                && !(drain.outboundInFlight() == 0 && appGone())) {
            pause();
        }
        close();
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the local app no longer accepts connections (always true for an edge, which has none). */
    private boolean appGone() {
        if (bootstrap.mode() != Bootstrap.Mode.SIDECAR) {
            return true;
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", bootstrap.appPort()), 100);
            return false;
        } catch (IOException e) {
            return true;
        }
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

    /** Stops at once: listeners, the ADS stream, the upstream clients. Use {@link #shutdown()} to drain first. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        drain.startDraining();
        ads.close();
        security.ifPresent(SidecarSecurity::close);
        channel.shutdownNow();
        server.stop();
        slowClients.close();
        upstreams.close();
        http1.close();
        http2.close();
        grpc.close();
        shared.close();
        telemetry.close();
        edgeTls.ifPresent(EdgeTlsContext::close);
    }

    /** Admin: {@code POST /edge/cache/purge[?route=R][&prefix=/path]} drops cached edge responses. */
    private void purge(io.helidon.webserver.http.ServerRequest req, io.helidon.webserver.http.ServerResponse res) {
        long n = ResponseCaches.of(shared, clock).purge(req.query().first("route").orElse(""), req.query().first("prefix").orElse(""));
        res.header(io.helidon.http.HeaderNames.CONTENT_TYPE, "application/json").send("{\"purged\":" + n + "}\n");
    }
}
