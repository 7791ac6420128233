package io.weft.controlplane.admin;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;

/**
 * The admin API's one error shape: {@code {"error": "<what, the value, the expectation>"}} with a
 * JSON content type. Clients (CLI, dashboard) tell "no such thing" (a JSON error) from "no such
 * endpoint on this control plane" (any other 404) by it.
 */
public final class ApiError {
    private ApiError() {
    }

    public static void send(ServerResponse res, Status status, String message) {
        res.status(status).header(HeaderNames.CONTENT_TYPE, "application/json")
                .header(HeaderNames.CACHE_CONTROL, "no-store")
                .send(Json.write(Map.of("error", message)));
    }
}
