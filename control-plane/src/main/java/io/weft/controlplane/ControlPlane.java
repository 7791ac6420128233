package io.weft.controlplane;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.helidon.webserver.WebServer;
import io.weft.controlplane.admin.AdminApi;
import io.weft.controlplane.config.ConfigWatcher;
import io.weft.controlplane.discovery.SelfRegistry;
import io.weft.controlplane.model.MeshConfig;
import io.weft.controlplane.model.MeshState;
import io.weft.controlplane.model.ProxyNode;
import io.weft.controlplane.telemetry.ControlPlaneMetrics;
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
    private final ControlPlaneMetrics metrics = ControlPlaneMetrics.create(Clock.systemUTC());

    private ControlPlane(ControlPlaneOptions options) throws IOException {
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
            public void pushed(ProxyNode node, String typeUrl, String version, long meshVersion) {
                listeners.forEach(l -> l.pushed(node, typeUrl, version, meshVersion));
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
        listeners.add(metrics);
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
                .routing(r -> r.register("/api/v1", new AdminApi(xds, watcher::lastError))
                        .get("/metrics", metrics::scrape)
                        .get("/stats/prometheus", metrics::scrape))
                .build()
                .start();
    }

    /**
     * Starts a control plane. Throws {@link io.weft.controlplane.config.ConfigException} when the
     * mesh config is invalid, naming the file and field.
     */
    public static ControlPlane start(ControlPlaneOptions options) {
        try {
            return new ControlPlane(options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the control plane: " + e.getMessage(), e);
        }
    }

    public int xdsPort() {
        return grpc.getPort();
    }

    public int adminPort() {
        return admin.port();
    }

    /** Control-plane metrics; also the hook the CA reports issuances to. */
    public ControlPlaneMetrics metrics() {
        return metrics;
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
        grpc.shutdownNow();
        try {
            grpc.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pipeline.close();
        registry.close();
        metrics.close();
        try {
            watcher.close();
        } catch (IOException e) {
            // best effort on shutdown
        }
    }
}
