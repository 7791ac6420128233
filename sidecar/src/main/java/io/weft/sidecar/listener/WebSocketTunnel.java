package io.weft.sidecar.listener;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.spi.ServerConnection;
import io.weft.sidecar.config.ConfigSnapshot;
import io.weft.sidecar.config.SnapshotHolder;
import io.weft.sidecar.model.EndpointSpec;
import io.weft.sidecar.route.RequestView;
import io.weft.sidecar.route.Route;
import io.weft.sidecar.upstream.UpstreamCluster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * WebSocket passthrough: an HTTP/1.1 request with {@code Upgrade: websocket} is routed like any other,
 * sent to the chosen endpoint with its upgrade fields, and once the upstream has answered (101 or
 * not) the two connections are spliced: bytes flow both ways unchanged until either side closes.
 * Requests it cannot route fall through to the ordinary handler, which answers them (404 NR, 503 UH).
 */
final class WebSocketTunnel implements Http1Upgrader {
    private static final System.Logger LOG = System.getLogger(WebSocketTunnel.class.getName());
    private static final int MAX_HEAD = 64 * 1024;

    private final SnapshotHolder snapshots;
    private final String listener;

    WebSocketTunnel(SnapshotHolder snapshots, String listener) {
        this.snapshots = snapshots;
        this.listener = listener;
    }

    @Override
    public String supportedProtocol() {
        return "websocket";
    }

    @Override
    public ServerConnection upgrade(ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
        String authority = headers.first(HeaderNames.HOST).orElse("").toLowerCase(Locale.ROOT);
        String path = prologue.uriPath().rawPath();
        String query = prologue.query().rawValue();
        Optional<ConfigSnapshot> snap = snapshots.current();
        Optional<Route> route = snap.flatMap(s -> s.listener(listener))
                .flatMap(t -> t.match(authority, view(prologue, path, headers)));
        Optional<UpstreamCluster> cluster = route.flatMap(Route::pickCluster).flatMap(c -> snap.get().cluster(c));
        Optional<EndpointSpec> endpoint = cluster.flatMap(UpstreamCluster::pick);
        if (endpoint.isEmpty()) {
            return null; // not routable here: the ordinary handler answers with the reason
        }
        String target = route.get().rewrite(query.isEmpty() ? path : path + "?" + query);
        Socket upstream = new Socket();
        try {
            upstream.setTcpNoDelay(true);
            upstream.connect(new InetSocketAddress(endpoint.get().address(), endpoint.get().port()),
                    (int) cluster.get().spec().connectTimeout().toMillis());
            OutputStream out = upstream.getOutputStream();
            out.write(requestHead(prologue, target, authority, headers, ctx));
            out.flush();
            byte[] head = readHead(upstream.getInputStream());
            ctx.dataWriter().writeNow(BufferData.create(head));
        } catch (IOException e) {
            closeSocket(upstream);
            LOG.log(System.Logger.Level.INFO, "websocket upgrade to " + endpoint.get().authority() + " failed: " + e.getMessage());
            ctx.dataWriter().writeNow(BufferData.create(("HTTP/1.1 503 Service Unavailable\r\n" + "x-weft-response-flags: UF\r\n"
                    + "content-length: 0\r\nconnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
            return new Tunnel(ctx, null);
        }
        return new Tunnel(ctx, upstream);
    }

    private static RequestView view(HttpPrologue prologue, String path, WritableHeaders<?> headers) {
        return new RequestView() {
            @Override
            public String method() {
                return prologue.method().text();
            }

            @Override
            public String path() {
                return path;
            }

            @Override
            public String header(String lowerCaseName) {
                return headers.first(HeaderNames.create(lowerCaseName)).orElse(null);
            }

            @Override
            public String queryParam(String name) {
                return prologue.query().first(name).orElse(null);
            }
        };
    }

    /** The upgrade request as sent upstream: the caller's fields (upgrade ones included) and forwarding fields. */
    private static byte[] requestHead(HttpPrologue prologue, String target, String authority, WritableHeaders<?> headers,
                                      ConnectionContext ctx) {
        StringBuilder sb = new StringBuilder(512).append(prologue.method().text()).append(' ').append(target)
                .append(" HTTP/1.1\r\nhost: ").append(authority).append("\r\n");
        String peer = ctx.remotePeer().host();
        boolean xff = false;
        for (Header h : headers) {
            String name = h.headerName().lowerCase();
            if (name.equals("host") || name.equals("proxy-authorization") || name.equals("proxy-connection")) {
                continue;
            }
            String value = h.values();
            if (name.equals("x-forwarded-for")) {
                value = value + ", " + peer;
                xff = true;
            }
            sb.append(name).append(": ").append(value).append("\r\n");
        }
        if (!xff) {
            sb.append("x-forwarded-for: ").append(peer).append("\r\n");
        }
        return sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The upstream's response head, through the empty line. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(256);
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("upstream closed the connection before answering the upgrade");
            }
            head.write(b);
            if (head.size() > MAX_HEAD) {
                throw new IOException("upstream response head larger than " + MAX_HEAD + " bytes");
            }
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toByteArray();
    }

    private static void closeSocket(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** The spliced connection: caller → upstream on a virtual thread, upstream → caller on the connection's own. */
    private static final class Tunnel implements ServerConnection {
        private final ConnectionContext ctx;
        private final Socket upstream;
        private volatile long lastNanos = System.nanoTime();

        Tunnel(ConnectionContext ctx, Socket upstream) {
            this.ctx = ctx;
            this.upstream = upstream;
        }

        @Override
        public void handle(Limit limit) {
            if (upstream == null) {
                ctx.serverSocket().close();
                return;
            }
            Thread up = Thread.ofVirtual().name("weft-websocket-up").start(this::callerToUpstream);
            try (InputStream in = upstream.getInputStream()) {
                byte[] buf = new byte[16 * 1024];
                int n;
                while ((n = in.read(buf)) > 0) {
                    lastNanos = System.nanoTime();
                    ctx.dataWriter().writeNow(BufferData.create(buf, 0, n));
                }
            } catch (IOException | RuntimeException e) {
                // either side went away: the tunnel ends
            } finally {
                closeSocket(upstream);
                ctx.serverSocket().close();
                up.interrupt();
            }
        }

        private void callerToUpstream() {
            DataReader reader = ctx.dataReader();
            try {
                OutputStream out = upstream.getOutputStream();
                while (true) {
                    reader.ensureAvailable();
                    byte[] bytes = reader.readBytes(reader.available());
                    lastNanos = System.nanoTime();
                    out.write(bytes);
                    out.flush();
                }
            } catch (IOException | RuntimeException e) {
                // the caller closed, or the upstream did
            } finally {
                closeSocket(upstream);
            }
        }

        @Override
        public Duration idleTime() {
            return Duration.ofNanos(System.nanoTime() - lastNanos);
        }

        @Override
        public void close(boolean interrupt) {
            if (upstream != null) {
                closeSocket(upstream);
            }
        }
    }
}
