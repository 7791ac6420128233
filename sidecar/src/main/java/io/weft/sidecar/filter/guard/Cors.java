package io.weft.sidecar.filter.guard;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.weft.sidecar.filter.Exchange;
import io.weft.sidecar.filter.ResponseFlag;
import java.util.Locale;
import java.util.Optional;

/** CORS (Fetch standard): preflight answers and the headers on actual responses. Stateless. */
final class Cors {
    private static final HeaderName REQUEST_METHOD = HeaderNames.create("access-control-request-method");
    private static final HeaderName REQUEST_HEADERS = HeaderNames.create("access-control-request-headers");

    private Cors() {
    }

    static boolean allowed(GuardConfig.Cors c, String origin) {
        return c.allowOrigins().contains("*") || c.allowOrigins().contains(origin);
    }

    /**
     * Answers an OPTIONS preflight (204, or 403 for a disallowed origin or method).
     *
     * @return whether the request was a preflight and has been answered
     */
    static boolean preflight(GuardConfig.Cors c, Exchange ex, String origin) {
        Optional<String> method = ex.header(REQUEST_METHOD);
        if (!ex.method().equals("OPTIONS") || method.isEmpty()) {
            return false;
        }
        if (!allowed(c, origin) || (!c.allowMethods().isEmpty() && !c.allowMethods().contains(method.get().toUpperCase(Locale.ROOT)))) {
            ex.respond(Status.FORBIDDEN_403, ResponseFlag.UAEX, "CORS preflight from " + origin + " for "
                    + method.get() + " is not allowed");
            return true;
        }
        ServerResponseHeaders h = ex.response().headers();
        decorate(c, h, origin);
        h.set(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, c.allowMethods().isEmpty() ? method.get() : String.join(", ", c.allowMethods()));
        if (!c.allowHeaders().isEmpty()) {
            h.set(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, String.join(", ", c.allowHeaders()));
        } else {
            ex.header(REQUEST_HEADERS).ifPresent(v -> h.set(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, v));
        }
        h.set(HeaderNames.ACCESS_CONTROL_MAX_AGE, Long.toString(c.maxAge().toSeconds()));
        ex.respond(Status.NO_CONTENT_204, new byte[0]);
        return true;
    }

    static void decorate(GuardConfig.Cors c, ServerResponseHeaders h, String origin) {
        if (!allowed(c, origin)) {
            return;
        }
        boolean star = c.allowOrigins().contains("*") && !c.allowCredentials();
        h.set(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, star ? "*" : origin);
        if (!star) {
            h.set(HeaderNames.VARY, h.first(HeaderNames.VARY).map(v -> v + ", Origin").orElse("Origin"));
        }
        if (c.allowCredentials()) {
            h.set(HeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
        if (!c.exposeHeaders().isEmpty()) {
            h.set(HeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, String.join(", ", c.exposeHeaders()));
        }
    }
}
