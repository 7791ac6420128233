package io.weft.sidecar;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.WebServer;
import io.weft.proto.MeshNames;
import io.weft.sidecar.bootstrap.Bootstrap;
import io.weft.sidecar.bootstrap.SecurityBootstrap;
import io.weft.sidecar.tls.MeshTls;
import io.weft.sidecar.tls.WorkloadIdentity;
import java.util.Optional;
import io.weft.sidecar.config.SnapshotHolder;
import io.weft.sidecar.listener.AdminService;
import io.weft.sidecar.listener.ProxyHandler;
import io.weft.sidecar.xds.AdsClient;
import io.weft.sidecar.xds.XdsUpdateListener;
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
    private final WebServer server;
    private final WebClient client;
    private final ManagedChannel channel;
    private final AdsClient ads;
    private final AdminService admin;
    private final Optional<SidecarSecurity> security;

    private Sidecar(Bootstrap bootstrap, Optional<SecurityBootstrap> securityBootstrap) {
        this.bootstrap = bootstrap;
        this.security = securityBootstrap.map(sb -> SidecarSecurity.join(bootstrap, sb, snapshots));
        Optional<MeshTls> tls = security.map(SidecarSecurity::tls);
        this.client = WebClient.builder()
                .followRedirects(false)
                .contentEncoding(ContentEncodingContext.builder().contentEncodingsDiscoverServices(false).build())
                .connectTimeout(Duration.ofSeconds(2))
                .shareConnectionCache(false)
                .build();
        AdsClient[] adsRef = new AdsClient[1];
        this.admin = new AdminService(bootstrap, snapshots, () -> adsRef[0] == null ? java.util.Optional.empty() : adsRef[0].lastError());
        ContentEncodingContext identity = ContentEncodingContext.builder().contentEncodingsDiscoverServices(false).build();
        io.helidon.webserver.WebServerConfig.Builder b = WebServer.builder()
                .host("127.0.0.1")
                .port(bootstrap.adminPort())
                .contentEncoding(identity)
                .shutdownHook(false)
                .routing(r -> r.register("/", admin));
        if (bootstrap.mode() == Bootstrap.Mode.SIDECAR) {
            b.putSocket(INBOUND, s -> {
                s.host("0.0.0.0").port(bootstrap.inboundPort()).contentEncoding(identity)
                        .routing(r -> r.any(new ProxyHandler(MeshNames.INBOUND_LISTENER, snapshots, client, tls)));
                security.ifPresent(sec -> sec.tls().configureInbound(s, sec::inboundMode, sec.reporter()));
            });
            b.putSocket(OUTBOUND, s -> s.host("127.0.0.1").port(bootstrap.outboundPort()).contentEncoding(identity)
                    .routing(r -> r.any(new ProxyHandler(MeshNames.OUTBOUND_LISTENER, snapshots, client, tls))));
        } else {
            b.putSocket(EDGE, s -> s.host("0.0.0.0").port(bootstrap.edgePort()).contentEncoding(identity)
                    .routing(r -> r.any(new ProxyHandler(MeshNames.EDGE_LISTENER, snapshots, client, tls))));
        }
        this.server = b.build().start();
        this.channel = security.map(SidecarSecurity::channel).orElseGet(() -> NettyChannelBuilder.forTarget(bootstrap.controlPlane())
                .usePlaintext()
                .keepAliveTime(30, TimeUnit.SECONDS)
                .build());
        this.ads = new AdsClient(channel, node(), snapshots, new XdsUpdateListener() { },
                security.map(sec -> sec.identity()::trustBundle));
        adsRef[0] = ads;
        ads.start();
    }

    /** Binds the ports, then connects to the control plane in plaintext. Does not wait for the first config. */
    public static Sidecar start(Bootstrap bootstrap) {
        return new Sidecar(Objects.requireNonNull(bootstrap, "bootstrap"), Optional.empty());
    }

    /**
     * Joins a mesh with a CA: gets its certificate with the join token (waiting up to 2 minutes for the
     * control plane), then binds the ports (the inbound one speaking mTLS as the mesh's policy says)
     * and opens ADS over mTLS. Does not wait for the first config.
     *
     * @throws IllegalStateException when no certificate could be obtained
     */
    public static Sidecar start(Bootstrap bootstrap, SecurityBootstrap security) {
        return new Sidecar(Objects.requireNonNull(bootstrap, "bootstrap"), Optional.of(security));
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
        security.ifPresent(SidecarSecurity::close);
        channel.shutdownNow();
        server.stop();
        client.closeResource();
    }
}
