package io.weft.controlplane;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.helidon.webserver.WebServer;
import io.weft.controlplane.admin.AdminApi;
import io.weft.controlplane.admin.SecurityApi;
import io.weft.controlplane.ca.CaOptions;
import io.weft.controlplane.ca.CertificateAuthority;
import io.weft.controlplane.ca.JoinTokens;
import io.weft.controlplane.ca.PlaintextCallers;
import io.weft.controlplane.ca.SecureEndpoint;
import io.weft.proto.identity.Pem;
import java.time.Duration;
import io.weft.controlplane.config.ConfigWatcher;
import io.weft.controlplane.discovery.SelfRegistry;
import io.weft.controlplane.model.MeshConfig;
import io.weft.controlplane.model.MeshState;
import io.weft.controlplane.model.ProxyNode;
import io.weft.controlplane.xds.XdsListener;
import io.weft.controlplane.xds.XdsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A running control plane: config watcher → pipeline → xDS server on gRPC, and the admin API.
 * {@link #close()} stops it; sidecars keep serving with their last config meanwhile.
 */
public final class ControlPlane implements AutoCloseable {
    private final XdsServer xds;
    private final SelfRegistry registry;
    private final MeshPipeline pipeline;
    private final ConfigWatcher watcher;
    private final Server grpc;
    private final WebServer admin;
    private final java.util.Optional<Security> security;

    /** The CA side of a control plane started with one. */
    public record Security(CertificateAuthority ca, JoinTokens tokens, PlaintextCallers plaintext, SecureEndpoint endpoint) {
    }

    private ControlPlane(ControlPlaneOptions options, java.util.Optional<CaOptions> caOptions) throws IOException {
        List<XdsListener> listeners = new CopyOnWriteArrayList<>();
        XdsListener fanOut = new XdsListener() {
            @Override
            public void connected(ProxyNode node) {
                listeners.forEach(l -> l.connected(node));
            }

            @Override
            public void disconnected(ProxyNode node) {
                listeners.forEach(l -> l.disconnected(node));
            }

            @Override
            public void acked(ProxyNode node, String typeUrl, String version, long meshVersion) {
                listeners.forEach(l -> l.acked(node, typeUrl, version, meshVersion));
            }

            @Override
            public void nacked(ProxyNode node, String typeUrl, String version, String error) {
                listeners.forEach(l -> l.nacked(node, typeUrl, version, error));
            }
        };
        this.xds = new XdsServer(MeshState.of(0, MeshConfig.empty(), Map.of()), fanOut, Clock.systemUTC());
        this.registry = new SelfRegistry(options.registrationGrace());
        listeners.add(registry);
        MeshPipeline[] holder = new MeshPipeline[1];
        MeshConfig[] first = new MeshConfig[1];
        this.watcher = ConfigWatcher.start(options.meshConfig(), cfg -> {
            if (holder[0] == null) {
                first[0] = cfg;
            } else {
                holder[0].config(cfg);
            }
        });
        this.pipeline = new MeshPipeline(xds, first[0], List.of(registry), options.debounce());
        holder[0] = pipeline;
        this.security = caOptions.map(o -> {
            Clock clock = Clock.systemUTC();
            String td = first[0].trustDomain();
            CertificateAuthority ca = CertificateAuthority.open(td, o, clock);
            JoinTokens tokens = o.stateDir().map(d -> JoinTokens.fromFile(d.resolve("join-token.key"), td, clock))
                    .orElseGet(() -> JoinTokens.random(td, clock));
            pipeline.trustBundle(() -> ca.trustBundle().stream().map(Pem::certificate).toList());
            ca.onBundleChange(pipeline::changed);
            PlaintextCallers plaintext = new PlaintextCallers(clock, Duration.ofMinutes(10));
            SecureEndpoint endpoint = SecureEndpoint.start(options.host(), o.securePort(), ca, tokens, xds.service(), plaintext, clock);
            return new Security(ca, tokens, plaintext, endpoint);
        });
        pipeline.rebuildNow();
        this.grpc = NettyServerBuilder.forAddress(new InetSocketAddress(options.host(), options.xdsPort()))
                .addService(xds.service())
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .build()
                .start();
        this.admin = WebServer.builder()
                .host(options.host())
                .port(options.adminPort())
                .routing(r -> {
                    r.register("/api/v1", new AdminApi(xds, watcher::lastError));
                    security.ifPresent(sec -> r.register("/api/v1", new SecurityApi(xds, sec.ca(), sec.tokens(), sec.plaintext())));
                })
                .build()
                .start();
    }

    /**
     * Starts a control plane. Throws {@link io.weft.controlplane.config.ConfigException} when the
     * mesh config is invalid, naming the file and field.
     */
    public static ControlPlane start(ControlPlaneOptions options) {
        return start(options, java.util.Optional.empty());
    }

    /**
     * Starts a control plane with its CA (when {@code ca} is present): the TLS port for the certificate
     * service and mTLS ADS, the trust bundle over SDS, and the security admin API.
     */
    public static ControlPlane start(ControlPlaneOptions options, java.util.Optional<CaOptions> ca) {
        try {
            return new ControlPlane(options, ca);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the control plane: " + e.getMessage(), e);
        }
    }

    public int xdsPort() {
        return grpc.getPort();
    }

    /** The CA, join tokens and TLS port, when started with a CA. */
    public java.util.Optional<Security> security() {
        return security;
    }

    public int adminPort() {
        return admin.port();
    }

    public XdsServer xds() {
        return xds;
    }

    public MeshConfig config() {
        return pipeline.config();
    }

    /** Re-reads the mesh config now (the watcher also does it on its own). */
    public java.util.Optional<String> reloadConfig() {
        return watcher.reload();
    }

    @Override
    public void close() {
        admin.stop();
        security.ifPresent(s -> s.endpoint().close());
        grpc.shutdownNow();
        try {
            grpc.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pipeline.close();
        registry.close();
        try {
            watcher.close();
        } catch (IOException e) {
            // best effort on shutdown
        }
    }
}
