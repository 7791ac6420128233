package io.weft.controlplane.admin;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.weft.controlplane.admin.ui.Dashboard;
import io.weft.controlplane.model.MeshState;
import java.util.function.Supplier;

/**
 * What the admin port serves besides the REST API's own services: the guard in front of everything,
 * the dashboard under {@code /ui} (and {@code /} redirecting to it), and the topology endpoint the
 * dashboard draws. The control plane registers its API services on the same routing.
 */
public final class AdminConsole {
    private AdminConsole() {
    }

    public static HttpRouting.Builder install(HttpRouting.Builder routing, AdminAccess access, Supplier<MeshState> state) {
        return routing.addFilter(new AdminGuard(access))
                .register("/api/v1", new TopologyApi(state))
                .register("/ui", new Dashboard(access))
                .get("/", (req, res) -> res.status(Status.SEE_OTHER_303).header(HeaderNames.LOCATION, "/ui/").send());
    }
}
