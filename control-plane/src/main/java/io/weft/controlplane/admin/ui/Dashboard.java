package io.weft.controlplane.admin.ui;

import io.helidon.http.SetCookie;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.weft.controlplane.admin.AdminAccess;
import io.weft.controlplane.admin.AdminGuard;
import io.weft.controlplane.admin.ApiError;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * The web dashboard, under {@code /ui}: static pages and ES modules from the classpath
 * ({@code weft-ui/}) that read and call the same admin REST API ({@code /api/v1}) as the CLI — the
 * dashboard holds no data of its own. Also the login for admin ports that require a token.
 * Access rules are enforced before any of this by {@link AdminGuard}. Thread-safe.
 */
public final class Dashboard implements HttpService {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_TOKEN = 1024;
    private final AdminAccess access;
    private final StaticFiles files = new StaticFiles("weft-ui");

    public Dashboard(AdminAccess access) {
        this.access = Objects.requireNonNull(access, "access");
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", (req, res) -> page(req, res, "index.html"))
                .get("/login", (req, res) -> page(req, res, "login.html"))
                .post("/login", this::login)
                .post("/logout", this::logout)
                .get("/{+file}", (req, res) -> files.send(req.path().pathParameters().get("file"), res));
    }

    /** An HTML page; hands out the CSRF cookie the page's scripts echo on every change they make. */
    private void page(ServerRequest req, ServerResponse res, String file) {
        if (req.headers().cookies().first(AdminGuard.CSRF_COOKIE).isEmpty()) {
            byte[] b = new byte[18];
            RANDOM.nextBytes(b);
            res.headers().addCookie(SetCookie.builder(AdminGuard.CSRF_COOKIE, Base64.getUrlEncoder().withoutPadding().encodeToString(b))
                    .path("/").sameSite(SetCookie.SameSite.STRICT).secure(req.isSecure()).build());
        }
        files.send(file, res);
    }

    /** {@code POST /ui/login} with the token as the body: sets the session cookie when it is right. */
    private void login(ServerRequest req, ServerResponse res) {
        byte[] body;
        try {
            body = req.content().inputStream().readNBytes(MAX_TOKEN + 1); // the login is open: read no more than a token
        } catch (java.io.IOException e) {
            ApiError.send(res, Status.BAD_REQUEST_400, "body: unreadable (" + e.getMessage() + ")");
            return;
        }
        if (body.length > MAX_TOKEN) {
            ApiError.send(res, Status.REQUEST_ENTITY_TOO_LARGE_413, "admin token: over " + MAX_TOKEN
                    + " bytes (expected: the token alone)");
            return;
        }
        String token = new String(body, StandardCharsets.UTF_8).trim();
        if (!access.tokenRequired()) {
            res.status(Status.NO_CONTENT_204).send();
            return;
        }
        access.sessionFor(token).ifPresentOrElse(
                session -> {
                    res.headers().addCookie(SetCookie.builder(AdminGuard.SESSION_COOKIE, session).path("/").httpOnly(true)
                            .sameSite(SetCookie.SameSite.STRICT).secure(req.isSecure()).build());
                    res.status(Status.NO_CONTENT_204).send();
                },
                () -> ApiError.send(res, Status.UNAUTHORIZED_401, "admin token: wrong (expected: the token the control plane was "
                        + "started with, or the one it printed at start)"));
    }

    private void logout(ServerRequest req, ServerResponse res) {
        res.headers().addCookie(SetCookie.builder(AdminGuard.SESSION_COOKIE, "").path("/").httpOnly(true)
                .maxAge(java.time.Duration.ZERO).build());
        res.status(Status.NO_CONTENT_204).send();
    }
}
