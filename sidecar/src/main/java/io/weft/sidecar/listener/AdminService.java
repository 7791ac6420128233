package io.weft.sidecar.listener;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.weft.sidecar.bootstrap.Bootstrap;
import io.weft.sidecar.config.ConfigSnapshot;
import io.weft.sidecar.config.SnapshotHolder;
import io.weft.sidecar.route.RouteTable;
import io.weft.sidecar.upstream.ClusterState;
import io.weft.sidecar.upstream.EndpointState;
import io.weft.sidecar.upstream.UpstreamRegistry;
import io.weft.sidecar.upstream.client.Http1Client;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The admin endpoints, served on the admin port (loopback by default, never a proxy port):
 * {@code /ready} (200 once the first config is in and while not draining), {@code /live},
 * {@code /config_dump} (the active snapshot's sources with versions), {@code /clusters} (endpoints
 * with health, outlier state, requests in flight and pooled connections) and {@code /stats}.
 */
public final class AdminService implements HttpService {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new Jdk8Module())
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Bootstrap bootstrap;
    private final SnapshotHolder snapshots;
    private final Supplier<Optional<String>> lastXdsError;
    private final UpstreamRegistry upstreams;
    private final Http1Client pools;
    private final Map<String, ListenerStats> listeners;
    private final Drain drain;
    private final Instant started = Instant.now();

    /**
     * @param listeners the stats of each proxy listener, by listener name
     */
    public AdminService(Bootstrap bootstrap, SnapshotHolder snapshots, Supplier<Optional<String>> lastXdsError,
                        UpstreamRegistry upstreams, Http1Client pools, Map<String, ListenerStats> listeners, Drain drain) {
        this.bootstrap = Objects.requireNonNull(bootstrap, "bootstrap");
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.lastXdsError = Objects.requireNonNull(lastXdsError, "lastXdsError");
        this.upstreams = Objects.requireNonNull(upstreams, "upstreams");
        this.pools = Objects.requireNonNull(pools, "pools");
        this.listeners = Map.copyOf(listeners);
        this.drain = Objects.requireNonNull(drain, "drain");
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/ready", this::ready)
                .get("/live", (req, res) -> res.send("live\n"))
                .get("/config_dump", this::configDump)
                .get("/clusters", this::clusters)
                .get("/stats", this::stats);
    }

    private void ready(ServerRequest req, ServerResponse res) {
        if (drain.draining()) {
            res.status(Status.SERVICE_UNAVAILABLE_503).send("draining\n");
        } else if (snapshots.ready()) {
            res.send("ready\n");
        } else {
            res.status(Status.SERVICE_UNAVAILABLE_503).send("waiting for the first configuration from the control plane"
                    + lastXdsError.get().map(e -> " (" + e + ")").orElse("") + "\n");
        }
    }

    private void configDump(ServerRequest req, ServerResponse res) {
        Map<String, Object> dump = new LinkedHashMap<>();
        dump.put("bootstrap", bootstrap);
        dump.put("lastXdsError", lastXdsError.get().orElse(""));
        snapshots.current().ifPresent(s -> {
            dump.put("versions", new TreeMap<>(s.versions()));
            dump.put("listeners", s.sources().listeners());
            dump.put("routes", s.sources().routes());
            dump.put("clusters", s.sources().clusters());
            dump.put("endpoints", s.sources().endpoints());
            Map<String, Object> chains = new TreeMap<>();
            s.listeners().forEach((name, table) -> chains.put(name, table.name()));
            dump.put("routeTables", chains);
        });
        json(res, dump);
    }

    private void clusters(ServerRequest req, ServerResponse res) {
        Map<String, Object> out = new TreeMap<>();
        Map<String, ClusterState> states = new TreeMap<>();
        upstreams.clusters().forEach(c -> states.put(c.name(), c));
        snapshots.current().map(ConfigSnapshot::clusters).orElse(Map.of()).forEach((name, c) -> {
            ClusterState st = c.state();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("lb", c.spec().lb().policy());
            m.put("protocol", c.spec().protocol());
            m.put("limits", c.spec().limits());
            m.put("outlierDetection", c.spec().outlier().isPresent());
            m.put("healthCheck", c.spec().healthCheck().map(h -> h.path()).orElse(""));
            m.put("stats", st.stats());
            m.put("endpoints", st.endpoints().stream().map(this::endpoint).toList());
            out.put(name, m);
        });
        json(res, out);
    }

    private Map<String, Object> endpoint(EndpointState e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("address", e.authority());
        m.put("zone", e.spec().zone());
        m.put("weight", e.spec().weight());
        m.put("available", e.available());
        m.put("controlPlaneHealthy", e.spec().healthy());
        m.put("activeHealthCheck", e.activeHealthy() ? "passing" : "failing");
        m.put("ejected", e.ejected());
        m.put("ejections", e.ejections());
        m.put("inFlight", e.inflight());
        m.put("connections", pools.openConnections(e.address()));
        return m;
    }

    private void stats(ServerRequest req, ServerResponse res) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("uptime", Duration.between(started, Instant.now()).toString());
        out.put("ready", snapshots.ready() && !drain.draining());
        out.put("draining", drain.draining());
        out.put("inFlight", Map.of("inbound", drain.inboundInFlight(), "outbound", drain.outboundInFlight()));
        out.put("versions", snapshots.current().map(s -> new TreeMap<>(s.versions())).orElse(new TreeMap<>()));
        Map<String, Object> ls = new TreeMap<>();
        listeners.forEach((n, s) -> ls.put(n, s.snapshot()));
        out.put("listeners", ls);
        out.put("clusters", new TreeMap<>(upstreams.stats()));
        out.put("idleUpstreamConnections", pools.idleConnections());
        out.put("routeTables", snapshots.current().map(s -> s.listeners().values().stream().map(RouteTable::name).toList())
                .orElse(List.of()));
        json(res, out);
    }

    private static void json(ServerResponse res, Object body) {
        try {
            res.header(HeaderNames.CONTENT_TYPE, "application/json").send(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            res.status(Status.INTERNAL_SERVER_ERROR_500).send("cannot render JSON: " + e.getMessage());
        }
    }
}
