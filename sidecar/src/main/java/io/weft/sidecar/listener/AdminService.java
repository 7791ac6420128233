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
import io.weft.sidecar.upstream.UpstreamCluster;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The admin endpoints, served on the admin port (loopback by default, never the public port):
 * {@code /ready}, {@code /live}, {@code /config_dump}, {@code /clusters}.
 */
public final class AdminService implements HttpService {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new Jdk8Module())
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Bootstrap bootstrap;
    private final SnapshotHolder snapshots;
    private final Supplier<Optional<String>> lastXdsError;
    private volatile boolean draining;

    public AdminService(Bootstrap bootstrap, SnapshotHolder snapshots, Supplier<Optional<String>> lastXdsError) {
        this.bootstrap = bootstrap;
        this.snapshots = snapshots;
        this.lastXdsError = lastXdsError;
    }

    /** Marks the proxy as draining: {@code /ready} turns 503 so load balancers stop sending. */
    public void draining() {
        draining = true;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/ready", this::ready)
                .get("/live", (req, res) -> res.send("live\n"))
                .get("/config_dump", this::configDump)
                .get("/clusters", this::clusters);
    }

    private void ready(ServerRequest req, ServerResponse res) {
        if (draining) {
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
        });
        json(res, dump);
    }

    private void clusters(ServerRequest req, ServerResponse res) {
        Map<String, Object> out = new TreeMap<>();
        snapshots.current().map(ConfigSnapshot::clusters).orElse(Map.of()).forEach((name, c) ->
                out.put(name, Map.of("lbPolicy", c.spec().lb().policy(), "endpoints", c.endpoints())));
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
