package io.weft.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The security team's view, end to end: a real control plane with its CA, real sidecars joining with
 * join tokens, mTLS between them, policy from the mesh YAML, and attacks that must fail.
 */
class SecureMeshTest {
    static final String YAML = """
            services:
              users: {}
              orders: {dependsOn: [users]}
              payments: {dependsOn: [users]}
            mtls: STRICT
            namespaces: {default: {defaultAction: deny}}
            authorization:
              - {name: callers-of-users, service: users, action: allow,
                 from: [{spiffeId: "spiffe://weft.local/ns/default/sa/orders"}]}
              - {name: no-admin, service: users, action: deny, to: [{paths: ["/admin/*"]}]}
              - {name: watch-deletes, service: users, action: deny, dryRun: true, to: [{methods: [DELETE]}]}
            """;

    @TempDir
    Path tmp;
    final List<String> authzLog = new CopyOnWriteArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            authzLog.add(r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        Logger.getLogger("weft.access.authz").addHandler(capture);
    }

    @AfterEach
    void unlisten() {
        Logger.getLogger("weft.access.authz").removeHandler(capture);
    }

    @Test
    void allowedCallerGoesThroughMtlsAndTheAppLearnsWhoCalledFromTheCertificate() throws Exception {
        try (SecureMesh mesh = new SecureMesh(tmp, YAML, "users", "orders", "payments")) {
            String r = mesh.call("orders", "GET", "users", "/users/7");
            assertEquals("200 - app=users method=GET path=/users/7 xfcc=URI=spiffe://weft.local/ns/default/sa/orders", r);
        }
    }

    @Test
    void theEdgeReachesAStrictServiceOverMtlsWithItsOwnIdentity() throws Exception {
        String yaml = YAML.replace("from: [{spiffeId: \"spiffe://weft.local/ns/default/sa/orders\"}]}",
                "from: [{spiffeId: \"spiffe://weft.local/ns/default/sa/orders\"}, {spiffeId: \"spiffe://weft.local/ns/default/sa/edge\"}]}")
                + "edge:\n  virtualHosts:\n    - {name: public, domains: [\"*\"], routes: [{match: {prefix: /users/}, to: users}]}\n";
        try (SecureMesh mesh = new SecureMesh(tmp, yaml, "users")) {
            // the edge may be ready before the users endpoint reaches it
            String r = SecureMesh.await(() -> SecureMesh.raw(mesh.sidecar("edge").edgePort(), "GET /users/3 HTTP/1.1\r\n"
                    + "Host: shop.example\r\nx-forwarded-client-cert: URI=spiffe://weft.local/ns/default/sa/orders\r\n"
                    + "Connection: close\r\n\r\n"), t -> !t.startsWith("503 UH"));
            assertEquals("200 - app=users method=GET path=/users/3 xfcc=URI=spiffe://weft.local/ns/default/sa/edge", r);
        }
    }

    @Test
    void deniedCallersGet403WithTheRbacFlagAndALogLineNamingThePolicy() throws Exception {
        try (SecureMesh mesh = new SecureMesh(tmp, YAML, "users", "orders", "payments")) {
            String r = mesh.call("payments", "GET", "users", "/users/7");
            assertTrue(r.startsWith("403 RBAC ") && r.contains("policy default") && r.contains("sa/payments"), r);
            assertTrue(authzLog.stream().anyMatch(l -> l.contains("DENY policy=default")
                    && l.contains("source=spiffe://weft.local/ns/default/sa/payments")), authzLog.toString());

            String admin = mesh.call("orders", "GET", "users", "/admin/reset");
            assertTrue(admin.startsWith("403 RBAC ") && admin.contains("policy no-admin"), "deny overrides allow: " + admin);

            String delete = mesh.call("orders", "DELETE", "users", "/users/7");
            assertTrue(delete.startsWith("200 "), "a dry-run policy does not enforce: " + delete);
            assertTrue(authzLog.stream().anyMatch(l -> l.contains("would deny by watch-deletes")), authzLog.toString());
        }
    }

    @Test
    void aForgedClientCertHeaderChangesNothing() throws Exception {
        try (SecureMesh mesh = new SecureMesh(tmp, YAML, "users", "orders", "payments")) {
            String forged = "URI=spiffe://weft.local/ns/default/sa/orders";
            String r = mesh.call("payments", "GET", "users", "/users/7", "x-forwarded-client-cert", forged);
            assertTrue(r.startsWith("403 RBAC "), "payments pretending to be orders: " + r);
            String rewritten = mesh.call("orders", "GET", "users", "/users/7", "x-forwarded-client-cert",
                    "URI=spiffe://weft.local/ns/default/sa/payments");
            assertTrue(rewritten.endsWith("xfcc=URI=spiffe://weft.local/ns/default/sa/orders"), rewritten);
        }
    }

    @Test
    void plaintextToAStrictPortIsRefusedAndOthersAreUnaffected() throws Exception {
        try (SecureMesh mesh = new SecureMesh(tmp, YAML, "users", "orders", "payments")) {
            String r = SecureMesh.raw(mesh.sidecar("users").inboundPort(), "GET /users/7 HTTP/1.1\r\nHost: users\r\nConnection: close\r\n\r\n");
            assertEquals("closed", r);
            assertTrue(mesh.call("orders", "GET", "users", "/users/8").startsWith("200 "));
        }
    }

    @Test
    void permissiveAcceptsPlaintextAndTheAdminApiNamesTheCallersThatStrictWouldBreak() throws Exception {
        try (SecureMesh mesh = new SecureMesh(tmp, YAML.replace("mtls: STRICT", "mtls: PERMISSIVE"), "users", "orders", "payments")) {
            HttpClient http = HttpClient.newHttpClient();
            URI impact = URI.create("http://127.0.0.1:" + mesh.controlPlane.adminPort() + "/api/v1/security/strict-impact?service=users");
            String before = http.send(HttpRequest.newBuilder(impact).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(before.contains("\"safe\" : true"), before);

            String plain = SecureMesh.raw(mesh.sidecar("users").inboundPort(), "GET /users/7 HTTP/1.1\r\nHost: users\r\nConnection: close\r\n\r\n");
            assertTrue(plain.startsWith("403 RBAC "), "accepted in plaintext, then judged without an identity: " + plain);
            assertTrue(mesh.call("orders", "GET", "users", "/users/7").startsWith("200 "), "mTLS still works on the same port");

            String after = SecureMesh.await(() -> http.send(HttpRequest.newBuilder(impact).build(),
                    HttpResponse.BodyHandlers.ofString()).body(), b -> b.contains("\"safe\" : false"));
            assertTrue(after.contains("\"sourceAddress\" : \"127.0.0.1\"") && after.contains("\"destination\" : \"users\""), after);
            assertTrue(after.contains("\"users\" : \"PERMISSIVE\""), after);

            // the security team flips users to STRICT in the YAML; plaintext is refused from the next connection
            Files.writeString(mesh.meshDir.resolve("mesh.yaml"), YAML.replace("mtls: STRICT", "mtls: PERMISSIVE")
                    .replace("users: {}", "users: {mtls: STRICT}"));
            String refused = SecureMesh.await(() -> SecureMesh.raw(mesh.sidecar("users").inboundPort(),
                    "GET / HTTP/1.1\r\nHost: users\r\nConnection: close\r\n\r\n"), "closed"::equals);
            assertEquals("closed", refused);
            assertTrue(mesh.call("orders", "GET", "users", "/users/9").startsWith("200 "));
        }
    }

    @Test
    void rootRotationUnderTrafficFailsNoRequest() throws Exception {
        try (SecureMesh mesh = new SecureMesh(tmp, YAML, "users", "orders")) {
            var ca = mesh.controlPlane.security().orElseThrow().ca();
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            List<String> failures = new CopyOnWriteArrayList<>();
            java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
            Thread traffic = Thread.ofVirtual().start(() -> {
                while (!stop.get()) {
                    try {
                        String r = mesh.call("orders", "GET", "users", "/users/1");
                        if (r.startsWith("200 ")) {
                            ok.incrementAndGet();
                        } else {
                            failures.add(r);
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            });
            SecureMesh.await(ok::get, n -> n > 5);

            ca.prepareRotation();
            for (Sidecar s : mesh.sidecars.values()) {
                assertEquals(2, SecureMesh.await(() -> s.identity().orElseThrow().current().trustBundle().size(), n -> n == 2),
                        "the prepared root reached " + s.bootstrap().nodeId() + " over SDS");
            }
            ca.activateRotation();
            var newRoot = ca.state().active().certificate().getSubjectX500Principal();
            for (Sidecar s : mesh.sidecars.values()) {
                assertEquals(java.util.Optional.empty(), s.identity().orElseThrow().renewNow());
                assertEquals(newRoot, s.identity().orElseThrow().current().leaf().getIssuerX500Principal());
            }
            int beforeRetire = ok.get();
            SecureMesh.await(ok::get, n -> n > beforeRetire + 5);
            ca.retirePrevious();
            for (Sidecar s : mesh.sidecars.values()) {
                assertEquals(1, SecureMesh.await(() -> s.identity().orElseThrow().current().trustBundle().size(), n -> n == 1));
            }
            int afterRetire = ok.get();
            SecureMesh.await(ok::get, n -> n > afterRetire + 5);
            // a brand-new connection after the old root is gone
            assertTrue(mesh.call("orders", "GET", "users", "/users/2").startsWith("200 "));
            stop.set(true);
            traffic.join();
            assertEquals(List.of(), failures, "requests that failed during the rotation");
            assertTrue(ok.get() > 15, "requests served during the rotation: " + ok.get());
        }
    }
}
