package io.weft.sidecar.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.sidecar.bootstrap.Bootstrap;
import io.weft.sidecar.testing.Backend;
import io.weft.sidecar.testing.ProxyFixture;
import io.weft.sidecar.testing.RawHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile and broken clients, on raw sockets: each gets a 4xx or a closed connection, never reaches
 * the app, and the proxy keeps serving everyone else.
 */
class BadInputTest {
    private Backend app;
    private ProxyFixture proxy;
    private int port;

    @BeforeEach
    void start() throws Exception {
        app = Backend.echo("app");
        proxy = ProxyFixture.with(b -> b.withLimits(new Bootstrap.Limits(1024 * 1024, Duration.ofSeconds(1), Duration.ofSeconds(5))));
        proxy.simpleService("svc", app.port()).awaitRouted("svc");
        port = proxy.sidecar.outboundPort();
    }

    @AfterEach
    void stop() {
        proxy.close();
        app.close();
    }

    /** Sends raw bytes; returns the first response line and whether the server closed the connection after it. */
    private String[] send(String raw) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            boolean closed = false;
            try {
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf)) > 0) {
                    all.write(buf, 0, n);
                }
                closed = true;
            } catch (SocketTimeoutException e) {
                closed = false;
            } catch (IOException e) {
                closed = true; // reset
            }
            String text = all.toString(StandardCharsets.ISO_8859_1);
            String first = text.isEmpty() ? "<no response>" : text.substring(0, Math.max(0, text.indexOf("\r\n")));
            return new String[] {first, String.valueOf(closed), text};
        }
    }

    private void assertOthersServed() throws IOException {
        RawHttp.Response ok = proxy.get("svc", "/ok");
        assertEquals(200, ok.status(), "a well-behaved client is still served");
    }

    @Test
    void smugglingAttemptsAndMalformedHeadsAreRefusedAndTheConnectionClosed() throws Exception {
        List<String[]> cases = List.of(
                new String[] {"Content-Length with Transfer-Encoding",
                        "POST / HTTP/1.1\r\nHost: svc\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: svc\r\n\r\n"},
                new String[] {"two different Content-Length",
                        "POST / HTTP/1.1\r\nHost: svc\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"},
                new String[] {"unknown transfer coding", "POST / HTTP/1.1\r\nHost: svc\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"},
                new String[] {"chunked not last", "POST / HTTP/1.1\r\nHost: svc\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"},
                new String[] {"obs-fold", "GET / HTTP/1.1\r\nHost: svc\r\nX-A: a\r\n folded\r\n\r\n"},
                new String[] {"bare CR in a value", "GET / HTTP/1.1\r\nHost: svc\r\nX-A: a\rb\r\n\r\n"},
                new String[] {"NUL in a value", "GET / HTTP/1.1\r\nHost: svc\r\nX-A: a\u0000b\r\n\r\n"},
                new String[] {"space in a field name", "GET / HTTP/1.1\r\nHost: svc\r\nX A: a\r\n\r\n"},
                new String[] {"space before the colon", "GET / HTTP/1.1\r\nHost: svc\r\nX-A : a\r\n\r\n"},
                new String[] {"two Host fields", "GET / HTTP/1.1\r\nHost: svc\r\nHost: evil\r\n\r\n"},
                new String[] {"no Host", "GET / HTTP/1.1\r\n\r\n"});
        int before = app.requests();
        List<String> wrong = new ArrayList<>();
        for (String[] c : cases) {
            String[] r = send(c[1]);
            boolean refused = r[0].startsWith("HTTP/1.1 4") || r[0].equals("<no response>");
            if (!refused || !Boolean.parseBoolean(r[1])) {
                wrong.add(c[0] + " -> " + r[0] + (Boolean.parseBoolean(r[1]) ? "" : " (connection left open)"));
            }
            if (r[0].startsWith("HTTP/1.1 4")) {
                assertTrue(r[2].toLowerCase().contains("x-weft-response-flags: dpe"), c[0] + ": " + r[2]);
            }
        }
        assertEquals(List.of(), wrong);
        assertEquals(before, app.requests(), "none of them reached the app");
        assertOthersServed();
    }

    @Test
    void oversizedHeadsAndBodiesGetTheirOwnStatuses() throws Exception {
        String[] headers = send("GET / HTTP/1.1\r\nHost: svc\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n");
        assertTrue(headers[0].startsWith("HTTP/1.1 431"), headers[0]);
        String[] uri = send("GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: svc\r\n\r\n");
        assertTrue(uri[0].startsWith("HTTP/1.1 414") || uri[0].equals("<no response>"), uri[0]);
        assertTrue(Boolean.parseBoolean(uri[1]));
        String[] body = send("POST / HTTP/1.1\r\nHost: svc\r\nContent-Length: 2000000\r\n\r\n" + "x".repeat(1000));
        assertTrue(body[0].startsWith("HTTP/1.1 413"), body[0]);
        String[] chunked = send("POST / HTTP/1.1\r\nHost: svc\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n");
        assertTrue(chunked[0].startsWith("HTTP/1.1 400"), "bad chunked coding is the client's error, not a 500: " + chunked[0]);
        assertOthersServed();
    }

    @Test
    void aClientThatStallsMidRequestIsCutOffWhileOthersAreServed() throws Exception {
        try (Socket slow = new Socket("127.0.0.1", port)) {
            slow.setSoTimeout(10_000);
            OutputStream out = slow.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: svc\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertOthersServed(); // while the slow one hangs mid-headers
            long start = System.nanoTime();
            int r = slow.getInputStream().read(); // the proxy gives up on it after its header timeout (1 s here)
            assertTrue(r == -1 || r == 'H', "closed (or refused) rather than left hanging");
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(8).toNanos(), "cut off well before the test's own timeout");
        }
        assertOthersServed();
    }

    @Test
    void http2RapidResetAndContinuationFloodsCloseTheConnection() throws Exception {
        assertTrue(H2Attack.rapidReset(port, 500), "the server sent GOAWAY or closed the connection");
        assertOthersServed();
        assertTrue(H2Attack.continuationFlood(port, 2000), "the server sent GOAWAY or closed the connection");
        assertOthersServed();
    }
}
