package io.weft.sidecar.edge.tls;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.weft.sidecar.edge.Problem;
import java.util.Objects;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;

/**
 * The edge's plaintext port: every request is sent to the same host and path over HTTPS, with 301
 * for GET and HEAD and 308 for other methods (so a POST stays a POST). A request without a usable
 * Host, or with a target that is not a path, gets a 400 problem. Stateless and thread-safe.
 */
public final class HttpsRedirect implements Handler {
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}]");

    private final IntSupplier httpsPort;

    /** @param httpsPort the edge's TLS port (read per request: it is known only once the server is up) */
    public HttpsRedirect(IntSupplier httpsPort) {
        this.httpsPort = Objects.requireNonNull(httpsPort, "httpsPort");
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        String authority = req.authority() == null ? "" : req.authority();
        String host = authority.startsWith("[") ? authority.substring(0, authority.indexOf(']') + 1)
                : authority.contains(":") ? authority.substring(0, authority.indexOf(':')) : authority;
        String path = req.path().rawPath();
        if (!HOST.matcher(host).matches() || !path.startsWith("/")) {
            res.status(Status.BAD_REQUEST_400).header(HeaderNames.CONTENT_TYPE, Problem.CONTENT_TYPE)
                    .send(Problem.json(400, "Bad Request", "cannot redirect to HTTPS (expected: a Host header and a path)"));
            return;
        }
        int port = httpsPort.getAsInt();
        String query = req.query().rawValue();
        String location = "https://" + host + (port == 443 ? "" : ":" + port) + path + (query.isEmpty() ? "" : "?" + query);
        Method m = req.prologue().method();
        res.status(m.equals(Method.GET) || m.equals(Method.HEAD) ? Status.MOVED_PERMANENTLY_301 : Status.PERMANENT_REDIRECT_308)
                .header(HeaderNames.LOCATION, location)
                .send();
    }
}
