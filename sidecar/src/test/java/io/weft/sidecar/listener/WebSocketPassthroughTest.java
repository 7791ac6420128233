package io.weft.sidecar.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.sidecar.testing.Backend;
import io.weft.sidecar.testing.ProxyFixture;
import io.weft.sidecar.testing.RawHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;

/** WebSocket upgrades pass through the sidecar: the handshake reaches the app, then bytes flow both ways. */
class WebSocketPassthroughTest {
    /** A stand-in WebSocket server on a raw socket: answers the upgrade with 101, then echoes bytes upper-cased. */
    private static final class UpgradeEcho implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final BlockingQueue<String> heads = new LinkedBlockingQueue<>();

        UpgradeEcho() throws IOException {
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread.ofVirtual().start(() -> serve(s));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                String head = head(in);
                heads.add(head);
                OutputStream out = s.getOutputStream();
                if (!head.toLowerCase(Locale.ROOT).contains("upgrade: websocket")) {
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nplain".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    return;
                }
                out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                byte[] buf = new byte[1024];
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(new String(buf, 0, n, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } catch (IOException ignored) {
                // client went away
            }
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (!b.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed inside a head: " + b);
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void theUpgradeReachesTheAppAndFramesFlowBothWays() throws Exception {
        try (UpgradeEcho ws = new UpgradeEcho(); ProxyFixture p = ProxyFixture.start()) {
            p.simpleService("chat", ws.port());
            p.awaitRouted("chat");
            ws.heads.clear();
            try (Socket s = new Socket("127.0.0.1", p.sidecar.outboundPort())) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write(("GET /socket?room=1 HTTP/1.1\r\nHost: chat\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                String response = head(in);
                assertTrue(response.startsWith("HTTP/1.1 101"), response);
                assertTrue(response.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), response);
                String upstreamHead = ws.heads.take();
                assertTrue(upstreamHead.startsWith("GET /socket?room=1 HTTP/1.1\r\n"), upstreamHead);
                assertTrue(upstreamHead.toLowerCase(Locale.ROOT).contains("upgrade: websocket"), upstreamHead);
                assertTrue(upstreamHead.toLowerCase(Locale.ROOT).contains("sec-websocket-key: dghlihnhbxbszsbub25jzq=="), upstreamHead);
                for (String msg : new String[] {"hello", "second frame"}) {
                    out.write(msg.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    byte[] echo = in.readNBytes(msg.length());
                    assertEquals(msg.toUpperCase(Locale.ROOT), new String(echo, StandardCharsets.US_ASCII));
                }
            }
            // ordinary requests on the same listener are untouched
            RawHttp.Response plain = p.get("chat", "/");
            assertEquals("plain", plain.body(), "routed as usual");
        }
    }

    @Test
    void anUpgradeForAnUnknownHostIsAnsweredByTheOrdinaryPath() throws Exception {
        try (Backend app = Backend.echo("app"); ProxyFixture p = ProxyFixture.start()) {
            p.simpleService("app", app.port()).awaitRouted("app");
            RawHttp.Response r = RawHttp.exchange(p.sidecar.outboundPort(), ("GET / HTTP/1.1\r\nHost: nowhere\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: x\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertEquals(404, r.status());
            assertEquals("NR", r.flags());
        }
    }
}
