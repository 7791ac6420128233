package io.weft.sidecar.edge.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.sidecar.bootstrap.EdgeTls;
import io.weft.sidecar.testing.Backend;
import io.weft.sidecar.testing.EdgeFixture;
import io.weft.sidecar.testing.ProxyFixture;
import io.weft.sidecar.testing.RawHttp;
import io.weft.sidecar.testing.TestCerts;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS termination on the edge with real handshakes: the certificate is chosen by SNI, HTTP/2 is
 * negotiated by ALPN, changed PEM files are served from the next handshake on (broken ones are not),
 * plaintext requests are redirected, and HTTPS responses carry HSTS.
 */
class EdgeTlsTest {
    @TempDir
    static Path dir;
    static TestCerts certs;
    static X509Certificate shop;
    static X509Certificate api;
    static X509Certificate reload;
    static Backend app;
    static EdgeFixture edge;

    @BeforeAll
    static void start() throws Exception {
        certs = new TestCerts();
        shop = certs.issue(dir, "shop", "shop.test", "localhost");
        api = certs.issue(dir, "api", "api.test", "*.partners.test");
        reload = certs.issue(dir, "reload", "reload.test");
        app = Backend.echo("app");
        edge = EdgeFixture.start(new EdgeTls(List.of(files("shop"), files("api"), files("reload")), 0, Duration.ofDays(365),
                Duration.ofMillis(50)));
        edge.cluster("app", app.port()).routes(EdgeFixture.route("all", "/", "app"));
        ProxyFixture.await(() -> https("shop.test", "/x").status(), s -> s == 200);
    }

    @AfterAll
    static void stop() {
        edge.close();
        app.close();
    }

    static EdgeTls.CertificateFiles files(String base) {
        return new EdgeTls.CertificateFiles(dir.resolve(base + ".pem"), dir.resolve(base + ".key"));
    }

    /** A TLS connection to the edge sending {@code sni} (none when null), returning what the server presented. */
    static SSLSocket connect(String sni, String... alpn) throws Exception {
        SSLSocket s = (SSLSocket) certs.clientContext().getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), edge.port());
        s.setSoTimeout(10_000);
        SSLParameters p = s.getSSLParameters();
        if (sni != null) {
            p.setServerNames(List.of(new SNIHostName(sni)));
        }
        if (alpn.length > 0) {
            p.setApplicationProtocols(alpn);
        }
        s.setSSLParameters(p);
        s.startHandshake();
        return s;
    }

    static X509Certificate served(String sni) throws Exception {
        try (SSLSocket s = connect(sni)) {
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    static RawHttp.Response https(String sni, String path) throws Exception {
        try (SSLSocket s = connect(sni)) {
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + sni + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            return RawHttp.read(s.getInputStream(), false);
        }
    }

    @Test
    void theCertificateIsChosenBySniAndTheFirstIsTheDefault() throws Exception {
        assertEquals(shop.getSerialNumber(), served("shop.test").getSerialNumber());
        assertEquals(api.getSerialNumber(), served("api.test").getSerialNumber());
        assertEquals(api.getSerialNumber(), served("acme.partners.test").getSerialNumber(), "a wildcard name");
        assertEquals(shop.getSerialNumber(), served("unknown.test").getSerialNumber(), "unknown names get the first");
        assertEquals(shop.getSerialNumber(), served(null).getSerialNumber(), "clients without SNI get the first");
    }

    @Test
    void http2IsNegotiatedByAlpnAndHttpsResponsesCarryHsts() throws Exception {
        try (SSLSocket s = connect("shop.test", "h2", "http/1.1")) {
            assertEquals("h2", s.getApplicationProtocol());
        }
        HttpClient client = HttpClient.newBuilder().sslContext(certs.clientContext()).version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + edge.port() + "/over-h2"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(HttpClient.Version.HTTP_2, r.version());
        assertEquals("max-age=31536000; includeSubDomains", r.headers().firstValue("strict-transport-security").orElseThrow());
        assertTrue(r.body().contains("x-forwarded-proto: https\n"), "the upstream learns the client used TLS: " + r.body());
        RawHttp.Response h1 = https("shop.test", "/over-h1");
        assertEquals(200, h1.status());
        assertTrue(h1.header("strict-transport-security").isPresent());
    }

    @Test
    void plaintextRequestsAreRedirectedToHttpsWithTheirPathAndMethodKept() throws Exception {
        int http = edge.edge.edgeHttpPort();
        RawHttp.Response get = RawHttp.get(http, "shop.test:8080", "/a/b?c=1");
        assertEquals(301, get.status());
        assertEquals("https://shop.test:" + edge.port() + "/a/b?c=1", get.header("location").orElseThrow());
        assertFalse(get.header("strict-transport-security").isPresent(), "HSTS only over HTTPS");
        RawHttp.Response post = RawHttp.exchange(http, ("POST /orders HTTP/1.1\r\nHost: shop.test\r\nContent-Length: 2\r\n"
                + "Connection: close\r\n\r\n{}").getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(308, post.status());
        assertEquals("https://shop.test:" + edge.port() + "/orders", post.header("location").orElseThrow());
        RawHttp.Response badHost = RawHttp.get(http, "bad_host!", "/x");
        assertEquals(400, badHost.status());
        assertEquals("application/problem+json", badHost.header("content-type").orElseThrow());
    }

    @Test
    void changedFilesAreServedFromTheNextHandshakeAndBrokenOnesAreNot() throws Exception {
        EdgeTlsContext tls = edge.edge.edgeTls().orElseThrow();
        long before = tls.reloads();
        Path staging = Files.createDirectories(dir.resolve("staging"));
        assertEquals(reload.getSerialNumber(), served("reload.test").getSerialNumber());
        X509Certificate renewed = certs.issue(staging, "reload", "reload.test");
        Files.copy(staging.resolve("reload.key"), dir.resolve("reload.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(staging.resolve("reload.pem"), dir.resolve("reload.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        X509Certificate now = ProxyFixture.await(() -> served("reload.test"),
                c -> c.getSerialNumber().equals(renewed.getSerialNumber()));
        assertEquals(renewed.getSerialNumber(), now.getSerialNumber(), "the renewed certificate is served without a restart");
        assertTrue(tls.reloads() > before);

        Files.writeString(dir.resolve("reload.key"), "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");
        String error = ProxyFixture.await(tls::lastError, e -> !e.isEmpty());
        assertTrue(error.contains("reload.key"), error);
        assertEquals(renewed.getSerialNumber(), served("reload.test").getSerialNumber(), "a broken key leaves the last good one");
        Files.copy(staging.resolve("reload.key"), dir.resolve("reload.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals("", ProxyFixture.await(tls::lastError, String::isEmpty));
    }
}
