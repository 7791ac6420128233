package io.weft.sidecar.upstream.client;

import io.helidon.http.Header;
import io.helidon.http.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 connection to an upstream endpoint: a blocking socket (cheap on virtual threads) with
 * its own read and write buffers. Writes a request head and body with exact framing, parses the
 * response head strictly, and exposes the body as a stream framed by Content-Length, chunked coding
 * or connection close. Used by one request at a time; pooled between requests when reusable.
 */
final class Http1Connection implements AutoCloseable {
    static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final int MAX_FIELDS = 200;
    private static final byte[] CRLF = {'\r', '\n'};

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String endpoint;
    final byte[] rbuf = new byte[16 * 1024];
    int rpos;
    int rlim;
    private final byte[] wbuf = new byte[8 * 1024];
    private int wpos;
    private long deadlineNanos;
    private long idleSinceNanos;
    private int uses;
    private boolean reusable = true;
    private boolean closed;

    private Http1Connection(Socket socket, String endpoint) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.endpoint = endpoint;
    }

    static Http1Connection open(InetSocketAddress address, String endpoint, int connectTimeoutMillis) throws UpstreamException {
        return open(address, endpoint, connectTimeoutMillis, java.util.Optional.empty());
    }

    /** Connects, then (with {@code tls}) completes the mTLS handshake, so a refused peer is a connect failure. */
    static Http1Connection open(InetSocketAddress address, String endpoint, int connectTimeoutMillis,
                                java.util.Optional<UpstreamTls> tls) throws UpstreamException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(address, connectTimeoutMillis);
            if (tls.isEmpty()) {
                return new Http1Connection(s, endpoint);
            }
            s.setSoTimeout(connectTimeoutMillis);
            Socket t = tls.get().handshake(s, address);
            t.setSoTimeout(0);
            return new Http1Connection(t, endpoint);
        } catch (IOException e) {
            closeQuietly(s);
            throw new UpstreamException(UpstreamException.Kind.CONNECT_FAILURE,
                    (tls.isPresent() ? "mTLS to " : "connect to ") + endpoint + ": " + e.getMessage(), false, e);
        }
    }

    String endpoint() {
        return endpoint;
    }

    /** How many requests this connection has carried before the current one. */
    int uses() {
        return uses;
    }

    long idleSinceNanos() {
        return idleSinceNanos;
    }

    boolean reusable() {
        return reusable && !closed;
    }

    void notReusable() {
        reusable = false;
    }

    /** Sets the absolute {@link System#nanoTime()} deadline for every following read; 0 for none. */
    void deadline(long nanos) {
        this.deadlineNanos = nanos;
    }

    /** Marks the end of a request-response exchange; the connection may be pooled. */
    void finished() {
        uses++;
        idleSinceNanos = System.nanoTime();
        rpos = 0;
        rlim = 0;
    }

    /**
     * Whether a pooled connection still looks usable: checked only after {@code idleNanos} of idleness,
     * with a 1 ms read that must time out (anything else means the peer closed it or sent junk).
     */
    boolean alive(long idleNanos) {
        if (closed) {
            return false;
        }
        if (System.nanoTime() - idleSinceNanos < idleNanos) {
            return true;
        }
        try {
            socket.setSoTimeout(1);
            in.read(); // end of stream: the peer closed it; a byte: the peer sent something unasked
            return false;
        } catch (SocketTimeoutException expected) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    // ---- writing

    /** Buffers the request line, {@code Host} and every header; the caller adds framing headers via {@code extra}. */
    void writeHead(String method, String target, String authority, Headers headers, String extra) {
        ascii(method);
        put((byte) ' ');
        ascii(target);
        ascii(" HTTP/1.1\r\nhost: ");
        value(authority);
        put(CRLF);
        for (Header h : headers) {
            String name = h.headerName().lowerCase();
            if (h.valueCount() == 1) {
                field(name, h.get());
            } else {
                for (String v : h.allValues()) {
                    field(name, v);
                }
            }
        }
        if (!extra.isEmpty()) {
            ascii(extra);
        }
        put(CRLF);
    }

    private void field(String name, String value) {
        ascii(name);
        put((byte) ':');
        put((byte) ' ');
        value(value);
        put(CRLF);
    }

    /** Buffers a body the caller holds in full. */
    void writeBody(byte[] body) throws IOException {
        put(body, 0, body.length);
    }

    /** Streams a body of known length ({@code length >= 0}) or, for -1, in chunked coding. Returns bytes copied. */
    long writeBody(InputStream body, long length) throws IOException {
        byte[] buf = rbuf; // the read buffer is idle until the response: reuse it for the copy
        long total = 0;
        int n;
        while ((n = readCaller(body, buf)) > 0) {
            total += n;
            if (length >= 0 && total > length) {
                reusable = false;
                throw new IOException("request body longer than its Content-Length " + length);
            }
            if (length < 0) {
                ascii(Integer.toHexString(n));
                put(CRLF);
            }
            put(buf, 0, n);
            if (length < 0) {
                put(CRLF);
            }
        }
        if (length < 0) {
            ascii("0\r\n\r\n");
        } else if (total != length) {
            reusable = false;
            throw new IOException("request body ended after " + total + " of " + length + " bytes");
        }
        return total;
    }

    /** One read of the caller's body; its failures are the caller's, not this connection's. */
    private int readCaller(InputStream body, byte[] buf) {
        try {
            return body.read(buf, 0, buf.length);
        } catch (IOException | RuntimeException e) {
            reusable = false;
            throw new DownstreamException("reading the request body from the client: " + e.getMessage(), e);
        }
    }

    void flush() throws IOException {
        if (wpos > 0) {
            out.write(wbuf, 0, wpos);
            wpos = 0;
        }
        out.flush();
    }

    private void put(byte b) {
        if (wpos == wbuf.length) {
            flushQuietly();
        }
        wbuf[wpos++] = b;
    }

    private void put(byte[] b) {
        put(b, 0, b.length);
    }

    private void put(byte[] b, int off, int len) {
        if (len > wbuf.length - wpos) {
            flushQuietly();
            if (len >= wbuf.length) {
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    throw new WriteFailure(e);
                }
                return;
            }
        }
        System.arraycopy(b, off, wbuf, wpos, len);
        wpos += len;
    }

    private void flushQuietly() {
        try {
            out.write(wbuf, 0, wpos);
            wpos = 0;
        } catch (IOException e) {
            throw new WriteFailure(e);
        }
    }

    private void ascii(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            put((byte) s.charAt(i));
        }
    }

    /** A field value: refuses CR, LF and NUL so no header can inject another (RFC 9110 §5.5). */
    private void value(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException("header value contains CR, LF or NUL: \"" + s.replace("\r", "\\r").replace("\n", "\\n") + "\"");
            }
            put(c > 0xFF ? (byte) '?' : (byte) c);
        }
    }

    /** An I/O failure while buffering; unwrapped by {@link Http1Client}. */
    static final class WriteFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        WriteFailure(IOException cause) {
            super(cause);
        }

        IOException io() {
            return (IOException) getCause();
        }
    }

    // ---- reading

    /** Fills the read buffer (after compacting); returns false at end of stream. */
    boolean fill() throws IOException {
        if (rpos > 0 && rpos == rlim) {
            rpos = 0;
            rlim = 0;
        }
        if (rlim == rbuf.length) {
            System.arraycopy(rbuf, rpos, rbuf, 0, rlim - rpos);
            rlim -= rpos;
            rpos = 0;
        }
        int timeout = 0;
        if (deadlineNanos != 0) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("deadline passed reading from " + endpoint);
            }
            timeout = (int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000));
        }
        socket.setSoTimeout(timeout);
        int n = in.read(rbuf, rlim, rbuf.length - rlim);
        if (n < 0) {
            return false;
        }
        rlim += n;
        return true;
    }

    /**
     * Reads the response head, skipping interim 1xx responses other than 101.
     *
     * @throws IOException on a broken connection or timeout; {@link MalformedResponse} on invalid HTTP
     */
    ResponseHead readHead() throws IOException {
        while (true) {
            String statusLine = line(0);
            if (statusLine.length() < 12 || !statusLine.startsWith("HTTP/1.") || statusLine.charAt(8) != ' ') {
                throw new MalformedResponse("status line \"" + statusLine + "\" (expected: HTTP/1.x NNN reason)");
            }
            int status = parseStatus(statusLine);
            ResponseHead head = new ResponseHead(status);
            int bytes = statusLine.length();
            fields(head, bytes);
            if (status >= 200 || status == 101) {
                if (statusLine.charAt(7) == '0') {
                    reusable = false; // an HTTP/1.0 answer: no persistent connection unless negotiated
                }
                return head;
            }
        }
    }

    /** Reads header or trailer fields up to the empty line into {@code head}. */
    void fields(ResponseHead head, int bytesSoFar) throws IOException {
        int bytes = bytesSoFar;
        while (true) {
            String line = line(bytes);
            if (line.isEmpty()) {
                return;
            }
            bytes += line.length() + 2;
            char c0 = line.charAt(0);
            if (c0 == ' ' || c0 == '\t') {
                throw new MalformedResponse("obsolete line folding in field \"" + line + "\"");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !token(line, colon)) {
                throw new MalformedResponse("field \"" + line + "\" (expected: name: value)");
            }
            if (head.size() >= MAX_FIELDS) {
                throw new MalformedResponse("more than " + MAX_FIELDS + " fields");
            }
            head.add(line.substring(0, colon).toLowerCase(java.util.Locale.ROOT), line.substring(colon + 1).strip());
        }
    }

    /** One line without its CRLF (a bare LF also ends a line); refuses bare CR, NUL and over-long heads. */
    String line(int headBytesSoFar) throws IOException {
        int start = rpos;
        int scan = rpos;
        while (true) {
            while (scan < rlim) {
                byte b = rbuf[scan];
                if (b == '\n') {
                    int end = scan > start && rbuf[scan - 1] == '\r' ? scan - 1 : scan;
                    String s = new String(rbuf, start, end - start, StandardCharsets.ISO_8859_1);
                    rpos = scan + 1;
                    return s;
                }
                if (b == 0 || (b == '\r' && scan + 1 < rlim && rbuf[scan + 1] != '\n')) {
                    throw new MalformedResponse("bare CR or NUL in the response head");
                }
                scan++;
            }
            if (headBytesSoFar + (scan - start) > MAX_HEAD_BYTES || (start == 0 && rlim == rbuf.length)) {
                throw new MalformedResponse("response head larger than " + MAX_HEAD_BYTES + " bytes");
            }
            int before = rpos;
            if (!fill()) {
                throw new java.io.EOFException("connection closed by " + endpoint
                        + (start == rlim && headBytesSoFar == 0 ? " before any response" : " inside the response head"));
            }
            // fill() may have compacted the buffer: shift our marks with it
            int shift = before - rpos;
            start -= shift;
            scan -= shift;
        }
    }

    /** Whether nothing of a response has been read yet on this exchange. */
    boolean nothingRead() {
        return rpos == 0 && rlim == 0;
    }

    private static int parseStatus(String line) throws MalformedResponse {
        int s = 0;
        for (int i = 9; i < 12; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                throw new MalformedResponse("status line \"" + line + "\" (expected: a 3-digit status)");
            }
            s = s * 10 + (c - '0');
        }
        if (s < 100 || (line.length() > 12 && line.charAt(12) != ' ')) {
            throw new MalformedResponse("status line \"" + line + "\" (expected: HTTP/1.x NNN reason)");
        }
        return s;
    }

    private static boolean token(String line, int end) {
        for (int i = 0; i < end; i++) {
            char c = line.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The response is not valid HTTP/1.1. */
    static final class MalformedResponse extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedResponse(String message) {
            super(message);
        }
    }

    @Override
    public void close() {
        closed = true;
        reusable = false;
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
