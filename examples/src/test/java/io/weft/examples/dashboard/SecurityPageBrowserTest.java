package io.weft.examples.dashboard;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.webserver.WebServer;
import io.weft.controlplane.ControlPlane;
import io.weft.controlplane.ControlPlaneOptions;
import io.weft.controlplane.ca.CaOptions;
import io.weft.sidecar.Sidecar;
import io.weft.sidecar.testing.LocalProxies;
import io.weft.testing.Closer;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The security page against a mesh with its CA, for real: users is PERMISSIVE, orders calls it over
 * mTLS, and something on this machine calls users in plaintext. The security team must see that
 * caller before turning STRICT on.
 */
class SecurityPageBrowserTest {
    private static final String YAML = """
            mtls: PERMISSIVE
            services:
              users: {}
              orders: {dependsOn: [users], mtls: STRICT}
            """;

    @Test
    void thePlaintextCallerThatStrictWouldBreakIsListed(@TempDir Path tmp) throws Exception {
        try (Closer closer = new Closer()) {
            Path mesh = Files.createDirectories(tmp.resolve("mesh"));
            Files.writeString(mesh.resolve("mesh.yaml"), YAML);
            ControlPlane cp = closer.register(ControlPlane.start(ControlPlaneOptions.defaults(mesh).withPorts(0, 0),
                    Optional.of(CaOptions.inMemory())));
            Sidecar users = sidecar(cp, "users", closer);
            sidecar(cp, "orders", closer);

            // a caller without a certificate reaches users' inbound port: PERMISSIVE lets it in, and it is reported
            try (Socket s = new Socket("127.0.0.1", users.inboundPort())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: users\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String head = readHead(s);
                assertTrue(head.startsWith("HTTP/1.1 "), "PERMISSIVE answers a plaintext caller: " + head);
            }

            Browser browser = closer.register(Browser.start(Files.createDirectories(tmp.resolve("chromium-profile"))));
            browser.open("http://127.0.0.1:" + cp.adminPort() + "/ui/#/security");
            String caller = browser.text("#plaintext-callers tr[data-destination='users']"); // waits for the report
            assertTrue(caller.contains("127.0.0.1"), caller);
            assertTrue(browser.text("#strict-breaks").startsWith("1 caller would break:"), browser.text("#strict-breaks"));
            assertTrue(browser.text("#mtls-table tr[data-service='users']").endsWith("PERMISSIVE"));
            assertTrue(browser.text("#mtls-table tr[data-service='orders']").endsWith("STRICT"));
            browser.screenshot("security-plaintext-caller");
        }
    }

    /** The status line and headers of one response (the connection may stay open after it). */
    private static String readHead(Socket s) throws Exception {
        StringBuilder head = new StringBuilder();
        var in = s.getInputStream();
        int b;
        while (!head.toString().endsWith("\r\n\r\n") && (b = in.read()) >= 0) {
            head.append((char) b);
        }
        return head.toString();
    }

    private static Sidecar sidecar(ControlPlane cp, String service, Closer closer) throws Exception {
        WebServer app = WebServer.builder().host("127.0.0.1").port(0).routing(r -> r.any((req, res) -> res.send(service)))
                .build().start();
        closer.register(app::stop);
        Sidecar s = closer.register(Sidecar.start(LocalProxies.sidecar(service, "127.0.0.1:" + cp.xdsPort(), app.port()),
                LocalProxies.security(cp, service)));
        LocalProxies.awaitReady(List.of(s), Duration.ofSeconds(20));
        return s;
    }
}
