package io.weft.controlplane.admin;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.weft.controlplane.model.MeshState;
import io.weft.controlplane.xds.ProxyStatus;
import io.weft.controlplane.xds.XdsServer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The admin REST API, under {@code /api/v1}: proxy status and the mesh as the control plane sees it.
 * Read-only in this version.
 */
public final class AdminApi implements HttpService {
    private final XdsServer xds;
    private final Supplier<Optional<String>> lastConfigError;

    public AdminApi(XdsServer xds, Supplier<Optional<String>> lastConfigError) {
        this.xds = Objects.requireNonNull(xds, "xds");
        this.lastConfigError = Objects.requireNonNull(lastConfigError, "lastConfigError");
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/proxies", this::proxies)
                .get("/mesh", this::mesh);
    }

    private void proxies(ServerRequest req, ServerResponse res) {
        List<ProxyStatus> status = xds.status();
        json(res, Map.of("meshVersion", xds.state().version(), "proxies", status));
    }

    private void mesh(ServerRequest req, ServerResponse res) {
        MeshState s = xds.state();
        json(res, Map.of("version", s.version(),
                "lastConfigError", lastConfigError.get().orElse(""),
                "services", s.config().services().values(),
                "endpoints", s.endpoints()));
    }

    static void json(ServerResponse res, Object body) {
        res.status(Status.OK_200).header(HeaderNames.CONTENT_TYPE, "application/json").send(Json.write(body));
    }
}
