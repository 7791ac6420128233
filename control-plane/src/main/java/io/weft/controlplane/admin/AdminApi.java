package io.weft.controlplane.admin;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.weft.controlplane.ConfigChanges;
import io.weft.controlplane.model.MeshState;
import io.weft.controlplane.xds.XdsServer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The admin REST API, under {@code /api/v1}. Read: {@code GET /proxies} (per proxy: node, service,
 * per-type sent/ACKed versions, last NACK, connected since), {@code GET /rollouts} (per pushed mesh
 * version: proxies targeted, converged, waiting, NACKs, convergence time), {@code GET /mesh},
 * {@code GET /config}, {@code GET /runtime}. Change: {@code POST /config/validate?file=F} and
 * {@code POST /config/diff?file=F} (dry run: which proxies would change and how), {@code PUT
 * /config/files/F} (apply; {@code ?dryRun=true} only diffs) and {@code DELETE /config/files/F}. Bodies
 * are the YAML text of file F. A refused change is a 422 with the loader's message; nothing is written.
 * Bound to loopback by default.
 */
public final class AdminApi implements HttpService {
    private static final int MAX_BODY = 1 << 20;
    private static final Status UNPROCESSABLE = Status.create(422, "Unprocessable Content");
    private final XdsServer xds;
    private final ConfigChanges changes;

    public AdminApi(XdsServer xds, ConfigChanges changes) {
        this.xds = Objects.requireNonNull(xds, "xds");
        this.changes = Objects.requireNonNull(changes, "changes");
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/proxies", (req, res) -> json(res, Status.OK_200,
                        Map.of("meshVersion", xds.state().version(), "proxies", xds.status())))
                .get("/rollouts", (req, res) -> json(res, Status.OK_200, Map.of("rollouts", xds.rollouts())))
                .get("/mesh", this::mesh)
                .get("/config", (req, res) -> json(res, Status.OK_200, Map.of("store", changes.store(),
                        "lastError", changes.lastStoreError().orElse(""), "files", changes.files())))
                .get("/runtime", this::runtime)
                .post("/config/validate", (req, res) -> change(req, res, true, true))
                .post("/config/diff", (req, res) -> change(req, res, true, false))
                .put("/config/files/{name}", (req, res) -> change(req, res, dryRun(req), false))
                .delete("/config/files/{name}", this::delete);
    }

    private void mesh(ServerRequest req, ServerResponse res) {
        MeshState s = xds.state();
        json(res, Status.OK_200, Map.of("version", s.version(),
                "lastConfigError", changes.lastStoreError().orElse(""),
                "services", s.config().services().values(),
                "endpoints", s.endpoints()));
    }

    private void runtime(ServerRequest req, ServerResponse res) {
        var mem = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long cpuNanos = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
        json(res, Status.OK_200, Map.of("heapUsedBytes", mem.getUsed(), "heapCommittedBytes", mem.getCommitted(),
                "processCpuNanos", cpuNanos, "threads", ManagementFactory.getThreadMXBean().getThreadCount(),
                "connectedProxies", xds.status().size()));
    }

    private static boolean dryRun(ServerRequest req) {
        return req.query().first("dryRun").map(Boolean::parseBoolean).orElse(false);
    }

    private void change(ServerRequest req, ServerResponse res, boolean dryRun, boolean validateOnly) {
        Optional<String> name = req.path().pathParameters().first("name").asOptional()
                .or(() -> req.query().first("file").asOptional());
        if (name.isEmpty()) {
            json(res, Status.BAD_REQUEST_400, Map.of("error", "file: missing (expected: ?file=<name>.yaml)"));
            return;
        }
        byte[] body;
        try {
            body = req.content().inputStream().readNBytes(MAX_BODY + 1);
        } catch (java.io.IOException e) {
            json(res, Status.BAD_REQUEST_400, Map.of("error", "body: unreadable (" + e.getMessage() + ")"));
            return;
        }
        if (body.length > MAX_BODY) {
            json(res, Status.REQUEST_ENTITY_TOO_LARGE_413, Map.of("error", "body: over " + MAX_BODY
                    + " bytes (expected: one mesh YAML file)"));
            return;
        }
        String yaml = new String(body, StandardCharsets.UTF_8);
        Map<String, Optional<String>> change = Map.of(name.get(), Optional.of(yaml));
        respond(res, dryRun ? changes.dryRun(change) : changes.apply(change, author(req)), validateOnly);
    }

    private void delete(ServerRequest req, ServerResponse res) {
        String name = req.path().pathParameters().get("name");
        Map<String, Optional<String>> change = Map.of(name, Optional.empty());
        respond(res, dryRun(req) ? changes.dryRun(change) : changes.apply(change, author(req)), false);
    }

    private static String author(ServerRequest req) {
        return req.query().first("author").asOptional()
                .or(() -> req.headers().first(HeaderNames.create("X-Weft-Author")))
                .orElse("admin-api");
    }

    private static void respond(ServerResponse res, ConfigChanges.Result r, boolean validateOnly) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("valid", r.valid());
        r.error().ifPresent(e -> body.put("error", e));
        if (!validateOnly) {
            body.put("changes", r.changes());
            body.put("meshVersion", r.meshVersion());
            body.put("proxies", r.proxies());
        }
        json(res, r.valid() ? Status.OK_200 : UNPROCESSABLE, body);
    }

    static void json(ServerResponse res, Status status, Object body) {
        res.status(status).header(HeaderNames.CONTENT_TYPE, "application/json").send(Json.write(body));
    }
}
