package io.weft.controlplane.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.controlplane.ControlPlane;
import io.weft.controlplane.ControlPlaneOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin port's guard, against a real control plane over loopback: what a page on another site,
 * a DNS-rebinding page, a CLI and a person with or without the token each get.
 */
class AdminGuardTest {
    private static final String TOKEN = "test-admin-token-0123456789";

    @TempDir
    Path tmp;

    private ControlPlane start(String host, Optional<String> token) throws Exception {
        Path mesh = Files.createDirectories(tmp.resolve("mesh"));
        Files.writeString(mesh.resolve("mesh.yaml"), "services:\n  users: {}\n  orders: {dependsOn: [users]}\n");
        return ControlPlane.start(ControlPlaneOptions.defaults(mesh).withPorts(0, 0).withAdmin(host, token));
    }

    @Test
    void onLoopbackTheApiAndDashboardAnswerLoopbackNamesOnly() throws Exception {
        try (ControlPlane cp = start("127.0.0.1", Optional.empty())) {
            int port = cp.adminPort();
            assertEquals(200, Http.get(port, "/api/v1/proxies").status());
            assertEquals(200, Http.get(port, "/api/v1/mesh", "Host: localhost:" + port).status());
            Http.Response page = Http.get(port, "/ui/");
            assertEquals(200, page.status());
            assertTrue(page.body().contains("<title>Weft dashboard</title>"), page.body());
            assertTrue(page.header("Content-Security-Policy").orElse("").contains("default-src 'self'"), page.headers().toString());
            assertEquals("DENY", page.header("X-Frame-Options").orElse(""));
            assertTrue(page.header("Set-Cookie").orElse("").matches("weft_csrf=[A-Za-z0-9_-]{20,}; Path=/; SameSite=Strict"),
                    page.headers().toString());

            // a page on attacker.example whose name now resolves to 127.0.0.1 (DNS rebinding)
            Http.Response rebound = Http.get(port, "/api/v1/mesh", "Host: attacker.example:" + port);
            assertEquals(421, rebound.status());
            assertTrue(rebound.body().contains("\"error\"") && rebound.body().contains("attacker.example"), rebound.body());
        }
    }

    @Test
    void aChangeFromABrowserNeedsThisOriginAndTheEchoedCsrfCookie() throws Exception {
        try (ControlPlane cp = start("127.0.0.1", Optional.empty())) {
            int port = cp.adminPort();
            String self = "Origin: http://127.0.0.1:" + port;
            String cookie = "Cookie: weft_csrf=abcdefabcdefabcdefabcdef";

            Http.Response crossSite = Http.send(port, "POST", "/ui/logout", "", "Origin: https://attacker.example", cookie,
                    "X-Weft-Csrf: abcdefabcdefabcdefabcdef");
            assertEquals(403, crossSite.status());
            assertTrue(crossSite.body().contains("attacker.example"), crossSite.body());

            Http.Response noEcho = Http.send(port, "POST", "/ui/logout", "", self, cookie);
            assertEquals(403, noEcho.status());
            assertTrue(noEcho.body().contains("X-Weft-Csrf"), noEcho.body());

            Http.Response wrongEcho = Http.send(port, "POST", "/ui/logout", "", self, cookie, "X-Weft-Csrf: something-else");
            assertEquals(403, wrongEcho.status());

            Http.Response sameSiteFetch = Http.send(port, "POST", "/ui/logout", "", self, cookie,
                    "X-Weft-Csrf: abcdefabcdefabcdefabcdef", "Sec-Fetch-Site: same-origin");
            assertEquals(204, sameSiteFetch.status(), sameSiteFetch.body());

            // the CLI on this machine sends no Origin and no cookies: nothing to forge, so it passes
            assertEquals(204, Http.send(port, "POST", "/ui/logout", "").status());
        }
    }

    @Test
    void offLoopbackEveryRequestNeedsTheTokenAndTheDashboardLogsInWithIt() throws Exception {
        try (ControlPlane cp = start("0.0.0.0", Optional.of(TOKEN))) {
            int port = cp.adminPort();
            Http.Response anonymous = Http.get(port, "/api/v1/proxies");
            assertEquals(401, anonymous.status());
            assertEquals("Bearer", anonymous.header("WWW-Authenticate").orElse(""));
            assertTrue(anonymous.body().contains("admin token"), anonymous.body());
            assertEquals(401, Http.get(port, "/api/v1/proxies", "Authorization: Bearer wrong-token-wrong-token").status());
            assertEquals(200, Http.get(port, "/api/v1/proxies", "Authorization: Bearer " + TOKEN).status());

            Http.Response page = Http.get(port, "/ui/", "Accept: text/html");
            assertEquals(303, page.status());
            assertEquals("/ui/login", page.header("Location").orElse(""));
            Http.Response login = Http.get(port, "/ui/login", "Accept: text/html");
            assertEquals(200, login.status());
            String csrf = login.header("Set-Cookie").orElseThrow().split(";")[0];

            String[] browser = {"Origin: http://127.0.0.1:" + port, "Cookie: " + csrf, "X-Weft-Csrf: " + csrf.split("=")[1]};
            Http.Response wrong = Http.send(port, "POST", "/ui/login", "not-the-token", browser);
            assertEquals(401, wrong.status());
            assertTrue(wrong.body().contains("admin token: wrong"), wrong.body());
            Http.Response huge = Http.send(port, "POST", "/ui/login", "x".repeat(5000), browser);
            assertEquals(413, huge.status(), "the open login reads no more than a token");
            Http.Response right = Http.send(port, "POST", "/ui/login", TOKEN, browser);
            assertEquals(204, right.status(), right.body());
            String session = right.all("Set-Cookie").stream().filter(c -> c.startsWith("weft_session=")).findFirst().orElseThrow();
            assertTrue(session.contains("HttpOnly") && session.contains("SameSite=Strict"), session);
            assertTrue(!session.contains(TOKEN), "the cookie is derived from the token, not the token itself");

            String cookies = "Cookie: " + csrf + "; " + session.split(";")[0];
            assertEquals(200, Http.get(port, "/api/v1/mesh", cookies).status());
            assertEquals(200, Http.get(port, "/ui/", cookies, "Accept: text/html").status());
        }
    }

    @Test
    void offLoopbackWithoutAConfiguredTokenOneIsGenerated() throws Exception {
        try (ControlPlane cp = start("0.0.0.0", Optional.empty())) {
            AdminAccess access = cp.adminAccess();
            assertTrue(access.generated() && access.tokenRequired(), access.toString());
            int port = cp.adminPort();
            assertEquals(401, Http.get(port, "/api/v1/mesh").status());
            assertEquals(200, Http.get(port, "/api/v1/mesh", "Authorization: Bearer " + access.token().orElseThrow()).status());
        }
    }

    @Test
    void onlyTheDashboardsOwnFilesAreServed() throws Exception {
        try (ControlPlane cp = start("127.0.0.1", Optional.empty())) {
            int port = cp.adminPort();
            Http.Response js = Http.get(port, "/ui/js/app.js");
            assertEquals(200, js.status());
            assertTrue(js.header("Content-Type").orElse("").startsWith("text/javascript"), js.headers().toString());
            for (String path : new String[] {"/ui/../weft-ui/index.html", "/ui/js/%2e%2e/%2e%2e/io/weft/controlplane/Main.class",
                    "/ui/nothing.js", "/ui/Main.class"}) {
                Http.Response r = Http.get(port, path);
                assertTrue(r.status() == 404 || r.status() == 400, path + " -> " + r.status());
                assertTrue(!r.body().contains("CAFEBABE") && !r.body().contains("<html"), path);
            }
            Http.Response root = Http.get(port, "/");
            assertEquals(303, root.status());
            assertEquals("/ui/", root.header("Location").orElse(""));
        }
    }
}
