package io.weft.controlplane.admin;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Guards every request to the admin port (REST API and dashboard), before any handler runs:
 * <ol>
 *   <li>On a loopback binding, answers only requests addressed to a loopback name ({@code Host}),
 *       so a web page cannot reach the port through DNS rebinding.</li>
 *   <li>When a token is required, a request must carry it as a bearer token or hold the dashboard's
 *       session cookie; only the login page and its assets are open.</li>
 *   <li>Every state-changing request (anything but GET/HEAD) from a browser — one that sends an
 *       {@code Origin}, {@code Sec-Fetch-Site} or {@code Cookie} header — must come from this origin
 *       and echo the CSRF cookie in the {@value #CSRF_HEADER} header (double submit). Non-browser
 *       clients (the CLI) are not exposed to CSRF and are let through; a bearer token is never ambient.</li>
 * </ol>
 * Also sets the headers that keep the dashboard out of frames and other origins' scripts.
 * Stateless and thread-safe.
 */
public final class AdminGuard implements Filter {
    public static final String CSRF_COOKIE = "weft_csrf";
    public static final String CSRF_HEADER = "X-Weft-Csrf";
    public static final String SESSION_COOKIE = "weft_session";
    static final HeaderName CSRF_HEADER_NAME = HeaderNames.create(CSRF_HEADER);
    private static final HeaderName SEC_FETCH_SITE = HeaderNames.create("Sec-Fetch-Site");
    private static final Set<String> OPEN_PATHS = Set.of("/ui/login", "/ui/weft.css", "/ui/js/login.js", "/favicon.ico");
    private static final Map<String, String> SECURITY_HEADERS = Map.of(
            "X-Content-Type-Options", "nosniff",
            "X-Frame-Options", "DENY",
            "Referrer-Policy", "no-referrer",
            "Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                    + "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");

    private final AdminAccess access;

    public AdminGuard(AdminAccess access) {
        this.access = Objects.requireNonNull(access, "access");
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        SECURITY_HEADERS.forEach(res::header);
        if (access.loopbackOnly() && !AdminAccess.isLoopback(hostOf(req.authority()))) {
            refuse(res, Status.MISDIRECTED_REQUEST_421, "Host: \"" + req.authority()
                    + "\" (expected: 127.0.0.1, localhost or [::1]; this admin port listens on loopback only)");
            return;
        }
        boolean bearer = bearerToken(req).map(access::acceptsToken).orElse(false);
        String path = req.path().path();
        if (access.tokenRequired() && !bearer && !hasSession(req) && !OPEN_PATHS.contains(path)) {
            if (req.prologue().method() == Method.GET && wantsHtml(req)) {
                res.status(Status.SEE_OTHER_303).header(HeaderNames.LOCATION, "/ui/login").send();
            } else {
                res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
                refuse(res, Status.UNAUTHORIZED_401, "admin token: missing or wrong (expected: Authorization: Bearer "
                        + "<token>, or log in to the dashboard at /ui/login)");
            }
            return;
        }
        Method m = req.prologue().method();
        if (m != Method.GET && m != Method.HEAD && !bearer) {
            Optional<String> csrfProblem = csrfProblem(req);
            if (csrfProblem.isPresent()) {
                refuse(res, Status.FORBIDDEN_403, csrfProblem.get());
                return;
            }
        }
        chain.proceed();
    }

    /** Why a state-changing request from a browser is refused, if it is. */
    private static Optional<String> csrfProblem(ServerRequest req) {
        var h = req.headers();
        boolean browser = h.contains(HeaderNames.ORIGIN) || h.contains(SEC_FETCH_SITE) || h.contains(HeaderNames.COOKIE);
        if (!browser) {
            return Optional.empty();
        }
        String self = (req.isSecure() ? "https://" : "http://") + req.authority();
        Optional<String> origin = h.first(HeaderNames.ORIGIN);
        if (origin.isPresent() && !origin.get().equalsIgnoreCase(self)) {
            return Optional.of("Origin: \"" + origin.get() + "\" (expected: " + self + "; the admin API accepts changes only "
                    + "from its own pages)");
        }
        Optional<String> site = h.first(SEC_FETCH_SITE);
        if (site.isPresent() && !site.get().equals("same-origin")) {
            return Optional.of("Sec-Fetch-Site: \"" + site.get() + "\" (expected: same-origin)");
        }
        String cookie = h.cookies().first(CSRF_COOKIE).orElse("");
        String echoed = h.first(CSRF_HEADER_NAME).orElse("");
        if (cookie.isEmpty() || !AdminAccess.constantTimeEquals(cookie, echoed)) {
            return Optional.of(CSRF_HEADER + ": missing or not matching the " + CSRF_COOKIE
                    + " cookie (expected: the dashboard sends it; reload the page)");
        }
        return Optional.empty();
    }

    private boolean hasSession(ServerRequest req) {
        return req.headers().cookies().first(SESSION_COOKIE).map(access::acceptsSession).orElse(false);
    }

    private static Optional<String> bearerToken(ServerRequest req) {
        return req.headers().first(HeaderNames.AUTHORIZATION)
                .filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(v -> v.substring(7).trim());
    }

    private static boolean wantsHtml(ServerRequest req) {
        return req.headers().first(HeaderNames.ACCEPT).map(a -> a.contains("text/html")).orElse(false);
    }

    /** The host part of a Host header: {@code [::1]:80} → {@code [::1]}, {@code a:80} → {@code a}. */
    static String hostOf(String authority) {
        if (authority == null || authority.isEmpty()) {
            return "";
        }
        if (authority.startsWith("[")) {
            int end = authority.indexOf(']');
            return end < 0 ? authority : authority.substring(0, end + 1);
        }
        int colon = authority.lastIndexOf(':');
        return colon < 0 ? authority : authority.substring(0, colon);
    }

    private static void refuse(io.helidon.webserver.http.ServerResponse res, Status status, String message) {
        ApiError.send(res, status, message);
    }
}
