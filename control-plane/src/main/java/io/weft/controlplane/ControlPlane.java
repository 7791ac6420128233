package io.weft.controlplane;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.helidon.webserver.WebServer;
import io.weft.controlplane.admin.AdminAccess;
import io.weft.controlplane.admin.AdminApi;
import io.weft.controlplane.admin.AdminConsole;
import io.weft.controlplane.admin.SecurityApi;
import io.weft.controlplane.ca.CaOptions;
import io.weft.controlplane.ca.CertificateAuthority;
import io.weft.controlplane.ca.JoinTokens;
import io.weft.controlplane.ca.PlaintextCallers;
import io.weft.controlplane.ca.SecureEndpoint;
import io.weft.proto.identity.Pem;
import io.weft.controlplane.config.ConfigStore;
import io.weft.controlplane.config.ConfigWatcher;
import io.weft.controlplane.config.ConsulKvStore;
import io.weft.controlplane.config.DirectoryStore;
import io.weft.controlplane.discovery.ConsulCatalog;
import io.weft.controlplane.discovery.ConsulClients;
import io.weft.controlplane.discovery.EndpointSource;
import io.weft.controlplane.discovery.SelfRegistry;
import io.weft.controlplane.model.MeshConfig;
import io.weft.controlplane.model.MeshState;
import io.weft.controlplane.telemetry.ControlPlaneMetrics;
import io.weft.controlplane.xds.XdsListener;
import io.weft.controlplane.xds.XdsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.kiwiproject.consul.Consul;

/**
 * A running control plane: config store → watcher → pipeline (config + discovery) → xDS server on
 * gRPC, and the admin API. {@link #close()} stops it; sidecars keep serving with their last config
 * meanwhile and reconnect when it is back.
 */
public final class ControlPlane implements AutoCloseable {
    private final XdsServer xds;
    private final SelfRegistry registry;
    private final Optional<ConsulCatalog> catalog;
    private final Optional<Consul> consul;
    private final MeshPipeline pipeline;
    private final ConfigWatcher watcher;
    private final ConfigChanges changes;
    private final Server grpc;
    private final WebServer admin;
    private final ControlPlaneMetrics metrics = ControlPlaneMetrics.create(Clock.systemUTC());
    private final AdminAccess adminAccess;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("weft-cp-timer").factory());

    private final java.util.Optional<Security> security;

    /** The CA side of a control plane started with one. */
    public record Security(CertificateAuthority ca, JoinTokens tokens, PlaintextCallers plaintext, SecureEndpoint endpoint) {
    }

    private ControlPlane(ControlPlaneOptions options, java.util.Optional<CaOptions> caOptions) throws IOException {
        this.adminAccess = AdminAccess.forBinding(options.host(), options.adminToken()); // refuses a bad token first
        this.registry = new SelfRegistry(options.registrationGrace());
        this.xds = new XdsServer(MeshState.of(0, MeshConfig.empty(), Map.of()), XdsListener.all(registry, metrics), Clock.systemUTC(),
                options.warmUp());
        this.consul = options.consul().map(c -> ConsulClients.create(c.address(), c.blockWait()));
        this.catalog = options.consul().map(c -> new ConsulCatalog(consul.orElseThrow(), c.blockWait()));
        ConfigStore store = store(options);
        MeshPipeline[] holder = new MeshPipeline[1];
        MeshConfig[] first = new MeshConfig[1];
        this.watcher = ConfigWatcher.start(store, (cfg, cause) -> {
            catalog.ifPresent(c -> c.watch(cfg.services().keySet()));
            if (holder[0] == null) {
                first[0] = cfg;
            } else {
                holder[0].config(cfg, cause);
            }
        });
        List<EndpointSource> sources = new ArrayList<>();
        sources.add(registry);
        catalog.ifPresent(sources::add);
        this.pipeline = new MeshPipeline(xds, first[0], sources, options.debounce());
        holder[0] = pipeline;
        this.security = caOptions.map(o -> security(o, options, first[0].trustDomain()));
        pipeline.rebuildNow();
        this.changes = new ConfigChanges(watcher, pipeline, xds);
        if (!options.warmUp().isZero()) {
            timer.scheduleWithFixedDelay(() -> {
                if (!xds.endWarmUpIfDue()) {
                    throw new IllegalStateException("warm-up over"); // ends the schedule
                }
            }, 100, 100, TimeUnit.MILLISECONDS);
        }
        this.grpc = NettyServerBuilder.forAddress(new InetSocketAddress(options.host(), options.xdsPort()))
                .addService(xds.service())
                // A restarted control plane must get its port back at once, whatever TIME_WAIT remains.
                .withOption(io.grpc.netty.shaded.io.netty.channel.ChannelOption.SO_REUSEADDR, true)
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .build()
                .start();
        this.admin = WebServer.builder()
                .host(options.host())
                .port(options.adminPort())
                .shutdownHook(false)
                .routing(r -> {
                    var routing = AdminConsole.install(r, adminAccess, xds::state).register("/api/v1", new AdminApi(xds, changes))
                            .get("/metrics", metrics::scrape)
                            .get("/stats/prometheus", metrics::scrape);
                    security.ifPresent(sec -> routing.register("/api/v1", new SecurityApi(xds, sec.ca(), sec.tokens(), sec.plaintext())));
                })
                .build()
                .start();
    }

    /** The directory, or Consul KV (seeded from the directory, if one is given, while the prefix is empty). */
    private ConfigStore store(ControlPlaneOptions options) {
        Optional<String> prefix = options.consul().flatMap(ControlPlaneOptions.Consul::kvPrefix);
        if (prefix.isEmpty()) {
            return new DirectoryStore(options.meshConfig().orElseThrow());
        }
        ConsulKvStore kv = new ConsulKvStore(consul.orElseThrow(), prefix.get(), options.consul().orElseThrow().blockWait());
        if (kv.read().isEmpty() && options.meshConfig().isPresent()) {
            Map<String, Optional<String>> seed = new java.util.TreeMap<>();
            new DirectoryStore(options.meshConfig().get()).read().forEach((k, v) -> seed.put(k, Optional.of(v)));
            kv.write(seed);
        }
        return kv;
    }

    /**
     * Starts a control plane. Throws {@link io.weft.controlplane.config.ConfigException} when the
     * mesh config is invalid or unreadable, naming the file and field.
     */
    public static ControlPlane start(ControlPlaneOptions options) {
        return start(options, java.util.Optional.empty());
    }

    /**
     * Starts a control plane with its CA (when {@code ca} is present): the TLS port for the certificate
     * service, mTLS ADS and security reports, the trust bundle over SDS, and the security admin API.
     */
    public static ControlPlane start(ControlPlaneOptions options, java.util.Optional<CaOptions> ca) {
        try {
            return new ControlPlane(options, ca);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the control plane: " + e.getMessage(), e);
        }
    }

    /** Control-plane metrics; also the hook the CA reports issuances to. */
    public ControlPlaneMetrics metrics() {
        return metrics;
    }

    public int xdsPort() {
        return grpc.getPort();
    }

    /** Who may use the admin port; holds the token when one is required (generated or configured). */
    /** The CA, join tokens and TLS port, when started with a CA. */
    public java.util.Optional<Security> security() {
        return security;
    }

    private Security security(CaOptions o, ControlPlaneOptions options, String trustDomain) {
        Clock clock = Clock.systemUTC();
        CertificateAuthority ca = CertificateAuthority.open(trustDomain, o, clock);
        JoinTokens tokens = o.stateDir().map(d -> JoinTokens.fromFile(d.resolve("join-token.key"), trustDomain, clock))
                .orElseGet(() -> JoinTokens.random(trustDomain, clock));
        pipeline.trustBundle(() -> ca.trustBundle().stream().map(Pem::certificate).toList());
        ca.onBundleChange(pipeline::changed);
        PlaintextCallers plaintext = new PlaintextCallers(clock, java.time.Duration.ofMinutes(10));
        SecureEndpoint endpoint = SecureEndpoint.start(options.host(), o.securePort(), ca, tokens, xds.service(), plaintext, clock);
        return new Security(ca, tokens, plaintext, endpoint);
    }

    public AdminAccess adminAccess() {
        return adminAccess;
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

    /** Admin-API-style config changes: validate, dry-run, apply. */
    public ConfigChanges changes() {
        return changes;
    }

    /** Re-reads the mesh config now (the watcher also does it on its own). */
    public Optional<String> reloadConfig() {
        return watcher.reload();
    }

    @Override
    public void close() {
        admin.stop();
        security.ifPresent(sec -> sec.endpoint().close());
        grpc.shutdownNow();
        try {
            grpc.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
        pipeline.close();
        registry.close();
        metrics.close();
        catalog.ifPresent(ConsulCatalog::close);
        watcher.close();
        consul.ifPresent(Consul::destroy);
    }
}
