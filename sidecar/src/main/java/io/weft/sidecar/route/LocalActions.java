package io.weft.sidecar.route;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.weft.sidecar.filter.Terminal;
import io.weft.sidecar.model.PathSpec;
import io.weft.sidecar.model.RouteActionSpec;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Route actions the proxy answers itself: redirects and direct responses. */
final class LocalActions {
    private LocalActions() {
    }

    static Terminal redirect(PathSpec path, RouteActionSpec.Redirect r) {
        PathRewrite rewrite = PathRewrite.of(path, r.prefixRewrite(), Optional.empty());
        Status status = Status.create(r.status());
        return ex -> {
            String scheme = r.scheme().orElse(ex.request().isSecure() ? "https" : "http");
            String authority = ex.authority();
            String host = authority;
            String port = "";
            int colon = authority.lastIndexOf(':');
            if (colon > 0 && authority.indexOf(']') < colon) {
                host = authority.substring(0, colon);
                port = authority.substring(colon);
            }
            if (r.host().isPresent()) {
                host = r.host().get();
            }
            if (r.port().isPresent()) {
                port = ":" + r.port().getAsInt();
            } else if (r.scheme().isPresent() && !port.isEmpty()) {
                port = ""; // a scheme change drops the old scheme's port, as Envoy does
            }
            String pathAndQuery = ex.query().isEmpty() ? ex.path() : ex.path() + "?" + ex.query();
            String target = r.pathRewrite().map(p -> r.stripQuery() || ex.query().isEmpty() ? p : p + "?" + ex.query())
                    .orElseGet(() -> {
                        String rewritten = rewrite.apply(pathAndQuery);
                        int q = rewritten.indexOf('?');
                        return r.stripQuery() && q >= 0 ? rewritten.substring(0, q) : rewritten;
                    });
            ex.response().header(HeaderNames.LOCATION, scheme + "://" + host + port + target);
            ex.respond(status, new byte[0]);
        };
    }

    static Terminal direct(RouteActionSpec.Direct d) {
        Status status = Status.create(d.status());
        byte[] body = d.body().getBytes(StandardCharsets.UTF_8);
        return ex -> {
            if (body.length > 0) {
                ex.response().header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            }
            ex.respond(status, body);
        };
    }
}
