package io.weft.sidecar.upstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.http.HeaderNames;
import io.weft.sidecar.testing.Backend;
import io.weft.sidecar.testing.ProxyFixture;
import io.weft.sidecar.testing.RawHttp;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** HTTP/1.1 through one sidecar: framing, streaming, 100-continue and RFC 9110 proxy rules. */
class Http1ProxyingTest {
    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** An app that answers with the SHA-256 and length of the body it received. */
    private static Backend digestApp() {
        return Backend.of("digest", (req, res) -> {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            long n = 0;
            try (InputStream in = req.content().inputStream()) {
                byte[] buf = new byte[8192];
                int r;
                while ((r = in.read(buf)) > 0) {
                    md.update(buf, 0, r);
                    n += r;
                }
            }
            res.send(n + " " + HexFormat.of().formatHex(md.digest()));
        });
    }

    @Test
    void largeBodiesStreamBothWaysByteExactWithAndWithoutLength() throws Exception {
        byte[] upload = random(3 * 1024 * 1024 + 17);
        byte[] download = random(5 * 1024 * 1024 + 3);
        try (Backend app = Backend.of("files", (req, res) -> {
                if (req.prologue().method().text().equals("GET")) {
                    boolean chunked = req.query().contains("chunked");
                    if (!chunked) {
                        res.header(HeaderNames.CONTENT_LENGTH, String.valueOf(download.length));
                    }
                    try (OutputStream os = res.outputStream()) {
                        for (int i = 0; i < download.length; i += 65536) {
                            os.write(download, i, Math.min(65536, download.length - i));
                            os.flush(); // without a length, flushed pieces go out chunked
                        }
                    }
                } else {
                    req.content().inputStream().transferTo(OutputStream.nullOutputStream());
                    res.send("ok");
                }
            });
             Backend digest = digestApp();
             ProxyFixture p = ProxyFixture.start()) {
            p.set(io.weft.sidecar.testing.Xds.outbound(),
                    io.weft.sidecar.testing.Xds.routes(io.weft.proto.MeshNames.OUTBOUND_LISTENER,
                            io.weft.sidecar.testing.Xds.host("files", "files", io.weft.sidecar.testing.Xds.route("all", "/", "files").build()),
                            io.weft.sidecar.testing.Xds.host("digest", "digest", io.weft.sidecar.testing.Xds.route("all", "/", "digest").build())),
                    io.weft.sidecar.testing.Xds.edsCluster("files").build(), io.weft.sidecar.testing.Xds.endpoints("files", app.port()),
                    io.weft.sidecar.testing.Xds.edsCluster("digest").build(), io.weft.sidecar.testing.Xds.endpoints("digest", digest.port()));
            p.awaitRouted("files").awaitRouted("digest");
            var client = p.proxyClient();

            // upload of unknown length: the app sends it chunked; the sidecar streams it on
            HttpResponse<String> chunkedUp = client.send(HttpRequest.newBuilder(URI.create("http://digest/up"))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(upload))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, chunkedUp.statusCode(), chunkedUp.body());
            assertEquals(upload.length + " " + sha256(upload), chunkedUp.body());

            // upload with Content-Length larger than the replay buffer
            HttpResponse<String> fixedUp = client.send(HttpRequest.newBuilder(URI.create("http://digest/up"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(upload)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(upload.length + " " + sha256(upload), fixedUp.body());

            for (String q : new String[] {"", "?chunked"}) {
                HttpResponse<byte[]> down = client.send(HttpRequest.newBuilder(URI.create("http://files/big" + q)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, down.statusCode());
                assertArrayEquals(download, down.body(), "download " + q);
                assertEquals(q.isEmpty(), down.headers().firstValue("content-length").isPresent(),
                        "a declared length is kept, an undeclared one is not invented");
            }
        }
    }

    @Test
    void expectContinueIsAnsweredBeforeTheBodyIsSent() throws Exception {
        try (Backend digest = digestApp(); ProxyFixture p = ProxyFixture.start()) {
            p.simpleService("digest", digest.port()).awaitRouted("digest");
            try (var s = new java.net.Socket("127.0.0.1", p.sidecar.outboundPort())) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write(("POST /up HTTP/1.1\r\nHost: digest\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                byte[] interim = new byte[25];
                int n = in.readNBytes(interim, 0, interim.length);
                assertTrue(new String(interim, 0, n, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 100 Continue"),
                        new String(interim, 0, n, StandardCharsets.US_ASCII));
                out.write("hello".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                RawHttp.Response r = RawHttp.read(in, false);
                assertEquals(200, r.status());
                assertEquals("5 " + sha256("hello".getBytes(StandardCharsets.US_ASCII)), r.body());
            }
        }
    }

    @Test
    void redirectsAndEncodedBodiesPassThroughUntouched() throws Exception {
        byte[] gz = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        try (Backend app = Backend.of("app", (req, res) -> {
                if (req.path().rawPath().equals("/moved")) {
                    res.status(302).header(HeaderNames.LOCATION, "http://elsewhere/").send();
                } else {
                    res.header(HeaderNames.CONTENT_ENCODING, "gzip").send(gz);
                }
            }); ProxyFixture p = ProxyFixture.start()) {
            p.simpleService("app", app.port()).awaitRouted("app");
            RawHttp.Response moved = p.get("app", "/moved");
            assertEquals(302, moved.status());
            assertEquals("http://elsewhere/", moved.header("location").orElse(""));
            HttpResponse<byte[]> enc = p.proxyClient().send(HttpRequest.newBuilder(URI.create("http://app/gz"))
                    .header("accept-encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals("gzip", enc.headers().firstValue("content-encoding").orElse(""));
            assertArrayEquals(gz, enc.body());
        }
    }

    @Test
    void hopByHopFieldsStopAtTheProxyAndForwardingFieldsAreSet() throws Exception {
        try (Backend app = Backend.of("app", (req, res) -> {
                StringBuilder sb = new StringBuilder();
                req.headers().forEach(h -> sb.append(h.headerName().lowerCase()).append(": ").append(h.values()).append('\n'));
                res.header("Connection", "x-resp-private").header("x-resp-private", "1").header("keep-alive", "timeout=5")
                        .header("x-resp-public", "1").send(sb.toString());
            }); ProxyFixture p = ProxyFixture.start()) {
            p.simpleService("app", app.port()).awaitRouted("app");
            RawHttp.Response r = p.get("app", "/h", "Connection", "x-private", "X-Private", "secret", "Keep-Alive", "timeout=1",
                    "TE", "gzip", "Proxy-Authorization", "Basic eA==", "X-Forwarded-For", "10.1.1.1", "X-Public", "yes");
            String seen = r.body();
            assertTrue(seen.contains("x-public: yes"), seen);
            for (String gone : new String[] {"x-private", "keep-alive", "te:", "proxy-authorization", "connection"}) {
                assertFalse(seen.contains(gone), gone + " reached the app:\n" + seen);
            }
            assertTrue(seen.contains("x-forwarded-for: 10.1.1.1, 127.0.0.1"), seen);
            assertTrue(seen.contains("x-forwarded-proto: http"), seen);
            assertTrue(seen.contains("x-forwarded-host: app"), seen);
            assertTrue(seen.matches("(?s).*x-request-id: [0-9a-f-]{36}\n.*"), seen);
            assertEquals("1", r.header("x-resp-public").orElse(""));
            assertTrue(r.header("x-resp-private").isEmpty() && r.header("keep-alive").isEmpty(), r.headers().toString());

            RawHttp.Response keep = p.get("app", "/h", "x-request-id", "abc-123");
            assertTrue(keep.body().contains("x-request-id: abc-123\n"), keep.body());
        }
    }

    @Test
    void headAndNoContentResponsesKeepTheirFraming() throws Exception {
        try (Backend app = Backend.of("app", (req, res) -> {
                if (req.path().rawPath().equals("/empty")) {
                    res.status(204).send();
                } else {
                    res.send("twelve bytes");
                }
            }); ProxyFixture p = ProxyFixture.start()) {
            p.simpleService("app", app.port()).awaitRouted("app");
            try (var s = new java.net.Socket("127.0.0.1", p.sidecar.outboundPort())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(("HEAD /x HTTP/1.1\r\nHost: app\r\n\r\nGET /empty HTTP/1.1\r\nHost: app\r\n\r\n"
                        + "GET /x HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                RawHttp.Response head = RawHttp.read(in, true);
                assertEquals(200, head.status());
                assertEquals("12", head.header("content-length").orElse(""));
                assertEquals(204, RawHttp.read(in, false).status());
                RawHttp.Response get = RawHttp.read(in, false);
                assertEquals("twelve bytes", get.body(), "the pipelined requests stayed in step");
            }
        }
    }
}
