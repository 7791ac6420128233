package io.weft.examples.dashboard;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.webserver.WebServer;
import io.weft.controlplane.ControlPlane;
import io.weft.controlplane.ControlPlaneOptions;
import io.weft.controlplane.ca.CaOptions;
import io.weft.sidecar.Sidecar;
import io.weft.sidecar.bootstrap.Bootstrap;
import io.weft.sidecar.bootstrap.SecurityBootstrap;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
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
        List<AutoCloseable> closeables = new ArrayList<>();
        try {
            Path mesh = Files.createDirectories(tmp.resolve("mesh"));
            Files.writeString(mesh.resolve("mesh.yaml"), YAML);
            ControlPlane cp = ControlPlane.start(ControlPlaneOptions.defaults(mesh).withPorts(0, 0), Optional.of(CaOptions.inMemory()));
            closeables.add(cp);
            Sidecar users = sidecar(cp, "users", closeables);
            sidecar(cp, "orders", closeables);

            // a caller without a certificate reaches users' inbound port: PERMISSIVE lets it in, and it is reported
            try (Socket s = new Socket("127.0.0.1", users.inboundPort())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: users\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String head = readHead(s);
                assertTrue(head.startsWith("HTTP/1.1 "), "PERMISSIVE answers a plaintext caller: " + head);
            }

            Browser browser = Browser.start(Files.createDirectories(tmp.resolve("chromium-profile")));
            closeables.add(browser);
            browser.open("http://127.0.0.1:" + cp.adminPort() + "/ui/#/security");
            String caller = browser.text("#plaintext-callers tr[data-destination='users']"); // waits for the report
            assertTrue(caller.contains("127.0.0.1"), caller);
            assertTrue(browser.text("#strict-breaks").startsWith("1 caller would break:"), browser.text("#strict-breaks"));
            assertTrue(browser.text("#mtls-table tr[data-service='users']").endsWith("PERMISSIVE"));
            assertTrue(browser.text("#mtls-table tr[data-service='orders']").endsWith("STRICT"));
            browser.screenshot("security-plaintext-caller");
        } finally {
            Collections.reverse(closeables);
            for (AutoCloseable c : closeables) {
                try {
                    c.close();
                } catch (Exception e) {
                    // keep closing the rest
                }
            }
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

    private static Sidecar sidecar(ControlPlane cp, String service, List<AutoCloseable> closeables) throws Exception {
        WebServer app = WebServer.builder().host("127.0.0.1").port(0).routing(r -> r.any((req, res) -> res.send(service)))
                .build().start();
        closeables.add(app::stop);
        var sec = cp.security().orElseThrow();
        Sidecar s = Sidecar.start(new Bootstrap(Bootstrap.Mode.SIDECAR, service + "-1", service, "default",
                        "127.0.0.1:" + cp.xdsPort(), "127.0.0.1", 0, 0, app.port(), 0, 0, Map.of()),
                new SecurityBootstrap("127.0.0.1:" + sec.endpoint().port(), "weft.local", sec.ca().trustBundle(),
                        sec.tokens().mint("default", service, Duration.ofMinutes(5)), Duration.ZERO, Duration.ofMillis(200)));
        closeables.add(s);
        if (!s.awaitReady(Duration.ofSeconds(20))) {
            throw new IllegalStateException(service + " got no config within 20s");
        }
        return s;
    }
}
