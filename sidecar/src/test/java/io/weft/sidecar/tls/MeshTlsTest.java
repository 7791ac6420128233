package io.weft.sidecar.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real TLS handshakes on loopback between Weft's inbound listener context and its client contexts. */
class MeshTlsTest {
    final TestCa ca = new TestCa(Clock.systemUTC());
    final AtomicReference<MtlsMode> mode = new AtomicReference<>(MtlsMode.STRICT);
    final List<String> plaintextCallers = new CopyOnWriteArrayList<>();
    final List<String> refusals = new CopyOnWriteArrayList<>();
    WorkloadIdentity ordersIdentity;
    WebServer orders;

    @BeforeEach
    void start() throws Exception {
        ordersIdentity = ca.identity("orders", Duration.ofHours(24));
        MeshTls tls = ca.tls(ordersIdentity);
        orders = tls.configureInbound(WebServer.builder().host("127.0.0.1").port(0), mode::get, new InboundObserver() {
                    @Override
                    public void plaintextAccepted(String remoteAddress) {
                        plaintextCallers.add(remoteAddress);
                    }

                    @Override
                    public void refused(String remoteAddress, String reason) {
                        refusals.add(reason);
                    }
                })
                .routing(r -> r.any((req, res) -> res.send("peer=" + MeshTls.peer(req.remotePeer().tlsCertificates())
                        .map(Object::toString).orElse("none"))))
                .build().start();
    }

    @AfterEach
    void stop() {
        orders.stop();
        ordersIdentity.close();
    }

    private MeshTls client(String service) throws InterruptedException {
        return ca.tls(ca.identity(service, Duration.ofHours(24)));
    }

    @Test
    void strictAcceptsMtlsAndTheServerSeesTheCallersSpiffeId() throws Exception {
        try (TlsClient c = TlsClient.tls(client("users").clientContext(Set.of(TestCa.id("orders"))), orders.port())) {
            assertEquals("200 peer=spiffe://weft.local/ns/default/sa/users", c.get("/"));
            assertEquals("TLSv1.3", ((SSLSocket) c.socket).getSession().getProtocol());
        }
    }

    @Test
    void strictRefusesPlaintextAndSaysWhy() throws Exception {
        try (TlsClient c = TlsClient.plaintext(orders.port())) {
            assertThrows(IOException.class, () -> c.get("/"));
        }
        assertTrue(refusals.stream().anyMatch(r -> r.contains("STRICT")), refusals.toString());
        assertEquals(List.of(), plaintextCallers);
    }

    @Test
    void permissiveServesMtlsAndPlaintextOnTheSamePortAndReportsPlaintextCallers() throws Exception {
        mode.set(MtlsMode.PERMISSIVE);
        try (TlsClient plain = TlsClient.plaintext(orders.port());
             TlsClient mtls = TlsClient.tls(client("users").clientContext(Set.of(TestCa.id("orders"))), orders.port())) {
            assertEquals("200 peer=none", plain.get("/"));
            assertEquals("200 peer=spiffe://weft.local/ns/default/sa/users", mtls.get("/"));
            assertEquals("200 peer=none", plain.get("/again"), "a plaintext keep-alive connection keeps working");
        }
        assertEquals(List.of("127.0.0.1"), plaintextCallers);
    }

    @Test
    void disableRefusesTlsAndTheModeChangesPerConnectionWithoutRebinding() throws Exception {
        mode.set(MtlsMode.DISABLE);
        assertThrows(IOException.class, () -> TlsClient.tls(client("users").clientContext(Set.of(TestCa.id("orders"))), orders.port()));
        try (TlsClient plain = TlsClient.plaintext(orders.port())) {
            assertEquals("200 peer=none", plain.get("/"));
        }
        mode.set(MtlsMode.STRICT);
        try (TlsClient plain = TlsClient.plaintext(orders.port())) {
            assertThrows(IOException.class, () -> plain.get("/"));
        }
    }

    @Test
    void aClientExpectingOrdersRefusesAServerThatIsNotOrders() throws Exception {
        MeshTls users = client("users");
        IOException e = assertThrows(IOException.class, () ->
                TlsClient.tls(users.clientContext(Set.of(TestCa.id("payments"))), orders.port()));
        assertTrue(String.valueOf(e.getMessage()).contains("orders") || String.valueOf(e.getCause()).contains("orders"), e.toString());
    }

    @Test
    void aCertificateFromAnotherCaIsRefusedByTheServer() throws Exception {
        TestCa other = new TestCa(Clock.systemUTC());
        WorkloadIdentity foreign = other.identity("users", Duration.ofHours(1));
        // the foreign client trusts our root, so only the server's own check can refuse it
        MeshTls client = new MeshTls(TestCa.TD, () -> foreign.current().withTrustBundle(ca.ca.trustBundle()), Clock.systemUTC());
        assertThrows(IOException.class, () -> {
            try (TlsClient c = TlsClient.tls(client.clientContext(Set.of(TestCa.id("orders"))), orders.port())) {
                c.get("/");
            }
        });
        foreign.close();
    }

    @Test
    void anExpiredCertificateIsRefused() throws Exception {
        // a server whose clock is two hours ahead sees the caller's one-hour certificate as expired
        MeshTls lateServer = new MeshTls(TestCa.TD, ordersIdentity::current, Clock.offset(Clock.systemUTC(), Duration.ofHours(2)));
        WebServer late = lateServer.configureInbound(WebServer.builder().host("127.0.0.1").port(0), () -> MtlsMode.STRICT,
                        new InboundObserver() { })
                .routing(r -> r.any((req, res) -> res.send("served"))).build().start();
        try {
            MeshTls users = ca.tls(ca.identity("users", Duration.ofHours(1)));
            assertThrows(IOException.class, () -> {
                try (TlsClient c = TlsClient.tls(users.clientContext(Set.of(TestCa.id("orders"))), late.port())) {
                    c.get("/");
                }
            });
            MeshTls fresh = ca.tls(ca.identity("users", Duration.ofHours(24)));
            try (TlsClient c = TlsClient.tls(fresh.clientContext(Set.of(TestCa.id("orders"))), late.port())) {
                assertEquals("200 served", c.get("/"), "a valid certificate still gets through");
            }
        } finally {
            late.stop();
        }
    }

    @Test
    void tlsOlderThan12IsRefused() throws Exception {
        MeshTls users = client("users");
        assertThrows(IOException.class, () -> TlsClient.tls(users.clientContext(Set.of(TestCa.id("orders"))), orders.port(), "TLSv1.1"));
    }

    @Test
    void renewalIsUsedByTheNextConnectionWhileExistingConnectionsKeepWorking() throws Exception {
        MeshTls users = client("users");
        try (TlsClient before = TlsClient.tls(users.clientContext(Set.of(TestCa.id("orders"))), orders.port())) {
            assertEquals(200, Integer.parseInt(before.get("/").substring(0, 3)));
            var serialBefore = ((java.security.cert.X509Certificate) ((SSLSocket) before.socket).getSession()
                    .getPeerCertificates()[0]).getSerialNumber();
            assertEquals(java.util.Optional.empty(), ordersIdentity.renewNow());
            try (TlsClient after = TlsClient.tls(users.clientContext(Set.of(TestCa.id("orders"))), orders.port())) {
                var serialAfter = ((java.security.cert.X509Certificate) ((SSLSocket) after.socket).getSession()
                        .getPeerCertificates()[0]).getSerialNumber();
                assertNotEquals(serialBefore, serialAfter, "a new connection sees the renewed certificate");
                assertEquals(serialAfter, ordersIdentity.current().leaf().getSerialNumber());
            }
            assertEquals("200 peer=spiffe://weft.local/ns/default/sa/users", before.get("/still"), "the old connection keeps working");
        }
    }
}
