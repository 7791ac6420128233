package io.weft.sidecar.upstream.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Weft's HTTP/1.1 upstream client: per-endpoint keep-alive pools of blocking connections, meant to
 * be called from virtual threads. Sends exactly the fields it is given (no redirects followed, no
 * content decoding, no added headers besides Host and framing), and parses responses strictly.
 * A request that fails on a reused connection before any response byte (the upstream closed it while
 * idle) is sent again on a fresh connection when its body can be replayed. Thread-safe.
 */
public final class Http1Client implements AutoCloseable {
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PROBE_AFTER = Duration.ofSeconds(2);
    private static final int MAX_IDLE_PER_ENDPOINT = 256;

    private final Map<PoolKey, ConnectionPool> pools = new ConcurrentHashMap<>();

    /** Connections to one endpoint with one TLS setting (plaintext, or mTLS expecting given peers) are pooled together. */
    private record PoolKey(InetSocketAddress address, Optional<UpstreamTls> tls) {
    }
    private final Thread sweeper;
    private volatile boolean closed;

    public Http1Client() {
        this.sweeper = Thread.ofVirtual().name("weft-pool-sweeper").start(this::sweepLoop);
    }

    /**
     * Sends one request and reads the response head.
     *
     * @param address       the endpoint (an IP literal and port)
     * @param connectMillis connect timeout
     * @param deadlineNanos absolute {@link System#nanoTime()} deadline for the whole exchange; 0 for none
     * @throws UpstreamException when no response head could be obtained
     */
    public UpstreamResponse send(InetSocketAddress address, UpstreamRequest req, int connectMillis, long deadlineNanos)
            throws UpstreamException {
        return send(address, req, connectMillis, deadlineNanos, Optional.empty());
    }

    /** The same over mTLS when {@code tls} is present: new connections handshake with it; pools never mix settings. */
    public UpstreamResponse send(InetSocketAddress address, UpstreamRequest req, int connectMillis, long deadlineNanos,
                                 Optional<UpstreamTls> tls) throws UpstreamException {
        ConnectionPool pool = pools.computeIfAbsent(new PoolKey(address, tls), a -> new ConnectionPool(MAX_IDLE_PER_ENDPOINT,
                IDLE_TIMEOUT.toNanos(), PROBE_AFTER.toNanos()));
        String endpoint = address.getAddress().getHostAddress() + ":" + address.getPort();
        while (true) {
            Http1Connection c = pool.poll();
            boolean reused = c != null;
            if (c == null) {
                c = Http1Connection.open(address, endpoint, connectMillis, tls);
                pool.opened();
            }
            c.deadline(deadlineNanos);
            try {
                return exchange(pool, c, req);
            } catch (DownstreamException e) {
                pool.discard(c);
                throw e;
            } catch (IOException | Http1Connection.WriteFailure e) {
                IOException io = e instanceof Http1Connection.WriteFailure w ? w.io() : (IOException) e;
                boolean stale = reused && c.nothingRead() && req.body().replayable()
                        && (io instanceof EOFException || io instanceof SocketException);
                pool.discard(c);
                if (!stale) {
                    throw failure(endpoint, io, c.nothingRead());
                }
            } catch (RuntimeException e) {
                // e.g. the request body's stream refused to go on (a size limit): the connection is mid-request
                pool.discard(c);
                throw e;
            }
        }
    }

    private UpstreamResponse exchange(ConnectionPool pool, Http1Connection c, UpstreamRequest req) throws IOException {
        UpstreamRequest.Body body = req.body();
        String framing = switch (body) {
            case UpstreamRequest.Body.None n -> needsLength(req.method()) ? "content-length: 0\r\n" : "";
            case UpstreamRequest.Body.Bytes b -> "content-length: " + b.bytes().length + "\r\n";
            case UpstreamRequest.Body.Stream s -> s.length() >= 0 ? "content-length: " + s.length() + "\r\n"
                    : "transfer-encoding: chunked\r\n";
        };
        c.writeHead(req.method(), req.target(), req.authority(), req.headers(), framing);
        IOException writeFailure = null;
        try {
            switch (body) {
                case UpstreamRequest.Body.Bytes b -> c.writeBody(b.bytes());
                case UpstreamRequest.Body.Stream s -> c.writeBody(s.in(), s.length());
                default -> { }
            }
            c.flush();
        } catch (IOException | Http1Connection.WriteFailure e) {
            // The upstream may have answered early (e.g. 413) and stopped reading: try to read that answer.
            writeFailure = e instanceof Http1Connection.WriteFailure w ? w.io() : (IOException) e;
            c.notReusable();
        }
        ResponseHead head;
        try {
            head = c.readHead();
        } catch (IOException e) {
            if (writeFailure != null) {
                e.addSuppressed(writeFailure);
            }
            throw e;
        }
        return new Response(pool, c, head, bodyOf(c, req.method(), head));
    }

    private static boolean needsLength(String method) {
        return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    }

    /** RFC 9112 §6.3: how the response body is delimited. */
    private static Http1Body bodyOf(Http1Connection c, String method, ResponseHead head) throws IOException {
        int s = head.status();
        if (s == 101) {
            // this client never asks to upgrade (WebSocket goes through the listener's tunnel)
            throw new Http1Connection.MalformedResponse("101 Switching Protocols to a request that did not ask to upgrade");
        }
        String connection = head.first("connection").orElse("");
        if (!connection.isEmpty() && connection.toLowerCase(Locale.ROOT).contains("close")) {
            c.notReusable();
        }
        if (method.equals("HEAD") || s == 204 || s == 304) {
            return new Http1Body(c, Http1Body.Framing.NONE, 0);
        }
        Optional<String> te = head.first("transfer-encoding");
        if (te.isPresent()) {
            if (head.first("content-length").isPresent()) {
                c.notReusable(); // RFC 9112 §6.3: both present is a smuggling signal; do not reuse
            }
            String codings = te.get().toLowerCase(Locale.ROOT).strip();
            return codings.endsWith("chunked") ? new Http1Body(c, Http1Body.Framing.CHUNKED, -1)
                    : new Http1Body(c, Http1Body.Framing.UNTIL_CLOSE, -1);
        }
        long length = -1;
        for (int i = 0; i < head.size(); i++) {
            if (head.name(i).equals("content-length")) {
                long v = parseLength(head.value(i));
                if (length >= 0 && v != length) {
                    throw new Http1Connection.MalformedResponse("conflicting Content-Length values " + length + " and " + v);
                }
                length = v;
            }
        }
        return length >= 0 ? new Http1Body(c, Http1Body.Framing.LENGTH, length)
                : new Http1Body(c, Http1Body.Framing.UNTIL_CLOSE, -1);
    }

    private static long parseLength(String v) throws IOException {
        String s = v.strip();
        if (s.isEmpty() || s.length() > 18) {
            throw new Http1Connection.MalformedResponse("Content-Length \"" + v + "\" (expected: digits)");
        }
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < '0' || ch > '9') {
                // a list like "5, 5" is allowed when all members agree (RFC 9110 §8.6)
                String[] parts = s.split("\\s*,\\s*");
                long first = parseLength(parts[0]);
                for (String p : parts) {
                    if (parseLength(p) != first) {
                        throw new Http1Connection.MalformedResponse("Content-Length \"" + v + "\" (expected: one value)");
                    }
                }
                return first;
            }
            n = n * 10 + (ch - '0');
        }
        return n;
    }

    private static UpstreamException failure(String endpoint, IOException e, boolean nothingRead) {
        if (e instanceof SocketTimeoutException) {
            return new UpstreamException(UpstreamException.Kind.TIMEOUT, "upstream " + endpoint + " timed out", true, e);
        }
        if (e instanceof Http1Connection.MalformedResponse) {
            return new UpstreamException(UpstreamException.Kind.PROTOCOL_ERROR,
                    "upstream " + endpoint + " sent an invalid response: " + e.getMessage(), true, e);
        }
        return new UpstreamException(UpstreamException.Kind.RESET, "upstream " + endpoint
                + (nothingRead ? " closed the connection before responding: " : " broke the connection: ") + e.getMessage(), true, e);
    }

    /** Idle connections across all endpoints, for {@code /clusters} and {@code /stats}. */
    public int idleConnections() {
        return pools.values().stream().mapToInt(ConnectionPool::idle).sum();
    }

    /** Open connections (idle and in use) to one endpoint. */
    public int openConnections(InetSocketAddress address) {
        ConnectionPool p = pools.get(new PoolKey(address, Optional.empty()));
        return p == null ? 0 : p.open();
    }

    private void sweepLoop() {
        while (!closed) {
            try {
                TimeUnit.SECONDS.sleep(5);
            } catch (InterruptedException e) {
                return;
            }
            pools.entrySet().removeIf(e -> e.getValue().sweep(TimeUnit.MINUTES.toNanos(5)));
        }
    }

    @Override
    public void close() {
        closed = true;
        sweeper.interrupt();
        pools.values().forEach(ConnectionPool::closeAll);
    }

    private static final class Response implements UpstreamResponse {
        private final ConnectionPool pool;
        private final Http1Connection c;
        private final ResponseHead head;
        private final Http1Body body;
        private boolean released;

        Response(ConnectionPool pool, Http1Connection c, ResponseHead head, Http1Body body) {
            this.pool = pool;
            this.c = c;
            this.head = head;
            this.body = body;
        }

        @Override
        public ResponseHead head() {
            return head;
        }

        @Override
        public InputStream body() {
            return body;
        }

        @Override
        public OptionalLong contentLength() {
            Optional<String> cl = head.first("content-length");
            if (cl.isEmpty() || head.first("transfer-encoding").isPresent()) {
                return OptionalLong.empty();
            }
            try {
                return OptionalLong.of(parseLength(cl.get()));
            } catch (IOException e) {
                return OptionalLong.empty();
            }
        }

        @Override
        public boolean trailersPossible() {
            return body.chunked();
        }

        @Override
        public Optional<ResponseHead> trailers() {
            return Optional.ofNullable(body.trailers());
        }

        @Override
        public String endpoint() {
            return c.endpoint();
        }

        @Override
        public void close() {
            if (released) {
                return;
            }
            released = true;
            if (body.done() || body.drain(16 * 1024)) {
                c.finished();
                pool.release(c);
            } else {
                pool.discard(c);
            }
        }

        @Override
        public void abort() {
            if (!released) {
                released = true;
                pool.discard(c);
            }
        }
    }
}
