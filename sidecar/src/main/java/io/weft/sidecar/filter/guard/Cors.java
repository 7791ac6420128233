package io.weft.sidecar.filter.guard;

import io.weft.sidecar.edge.EdgeRequest;
import io.weft.sidecar.edge.EdgeResponse;
import io.weft.sidecar.edge.Problem;
import java.util.Locale;
import java.util.Optional;

/** CORS (Fetch standard): preflight answers and the headers on actual responses. Stateless. */
final class Cors {
    private Cors() {
    }

    static boolean allowed(GuardConfig.Cors c, String origin) {
        return c.allowOrigins().contains("*") || c.allowOrigins().contains(origin);
    }

    /** Answers an OPTIONS preflight (204, or 403 for a disallowed origin or method); empty for other requests. */
    static Optional<EdgeResponse> preflight(GuardConfig.Cors c, EdgeRequest req, String origin) {
        Optional<String> method = req.header("access-control-request-method");
        if (!req.method().equals("OPTIONS") || method.isEmpty()) {
            return Optional.empty();
        }
        if (!allowed(c, origin) || (!c.allowMethods().isEmpty() && !c.allowMethods().contains(method.get().toUpperCase(Locale.ROOT)))) {
            return Optional.of(Problem.response(403, "Forbidden", "CORS preflight from " + origin + " for "
                    + method.get() + " is not allowed"));
        }
        EdgeResponse r = EdgeResponse.of(204, new byte[0]);
        decorate(c, r, origin);
        r.header("access-control-allow-methods", c.allowMethods().isEmpty() ? method.get() : String.join(", ", c.allowMethods()));
        if (!c.allowHeaders().isEmpty()) {
            r.header("access-control-allow-headers", String.join(", ", c.allowHeaders()));
        } else {
            req.header("access-control-request-headers").ifPresent(h -> r.header("access-control-allow-headers", h));
        }
        r.header("access-control-max-age", Long.toString(c.maxAge().toSeconds()));
        return Optional.of(r);
    }

    static void decorate(GuardConfig.Cors c, EdgeResponse r, String origin) {
        if (!allowed(c, origin)) {
            return;
        }
        boolean star = c.allowOrigins().contains("*") && !c.allowCredentials();
        r.header("access-control-allow-origin", star ? "*" : origin);
        if (!star) {
            r.header("vary", r.header("vary").map(v -> v + ", Origin").orElse("Origin"));
        }
        if (c.allowCredentials()) {
            r.header("access-control-allow-credentials", "true");
        }
        if (!c.exposeHeaders().isEmpty()) {
            r.header("access-control-expose-headers", String.join(", ", c.exposeHeaders()));
        }
    }
}
