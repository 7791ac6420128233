package io.weft.sidecar.upstream.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * A response body as framed on the wire (RFC 9112 §6.3): a fixed Content-Length, chunked coding
 * (with trailer fields kept for the caller), or everything until the upstream closes. Reads through
 * the connection's buffer. At the end of a framed body the connection is left ready for reuse.
 */
final class Http1Body extends InputStream {
    enum Framing { NONE, LENGTH, CHUNKED, UNTIL_CLOSE }

    private static final int MAX_CHUNK_LINE = 1024;

    private final Http1Connection c;
    private final Framing framing;
    private long remaining; // LENGTH: bytes left; CHUNKED: bytes left in the current chunk, -1 before the first
    private boolean done;
    private ResponseHead trailers;

    Http1Body(Http1Connection c, Framing framing, long length) {
        this.c = c;
        this.framing = framing;
        this.remaining = framing == Framing.CHUNKED ? -1 : length;
        this.done = framing == Framing.NONE || (framing == Framing.LENGTH && length == 0);
        if (framing == Framing.UNTIL_CLOSE) {
            c.notReusable();
        }
    }

    boolean chunked() {
        return framing == Framing.CHUNKED;
    }

    /** Whether the whole body has been read. */
    boolean done() {
        return done;
    }

    /** Trailer fields of a chunked body, after it has been read to the end; null when none. */
    ResponseHead trailers() {
        return trailers;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (done) {
            return -1;
        }
        switch (framing) {
            case LENGTH -> {
                int n = copy(b, off, (int) Math.min(len, remaining), true);
                remaining -= n;
                done = remaining == 0;
                return n;
            }
            case CHUNKED -> {
                if (remaining <= 0) {
                    if (remaining == 0) {
                        crlfAfterChunk();
                    }
                    remaining = chunkSize();
                    if (remaining == 0) {
                        ResponseHead t = new ResponseHead(0);
                        c.fields(t, 0);
                        trailers = t.size() == 0 ? null : t;
                        done = true;
                        return -1;
                    }
                }
                int n = copy(b, off, (int) Math.min(len, remaining), true);
                remaining -= n;
                return n;
            }
            default -> {
                int n = copy(b, off, len, false);
                if (n < 0) {
                    done = true;
                }
                return n;
            }
        }
    }

    /** Copies buffered bytes, filling the buffer when empty. */
    private int copy(byte[] b, int off, int len, boolean framed) throws IOException {
        if (c.rpos == c.rlim && !c.fill()) {
            if (framed) {
                c.notReusable();
                throw new EOFException("upstream " + c.endpoint() + " closed the connection inside the response body");
            }
            return -1;
        }
        int n = Math.min(len, c.rlim - c.rpos);
        System.arraycopy(c.rbuf, c.rpos, b, off, n);
        c.rpos += n;
        return n;
    }

    private void crlfAfterChunk() throws IOException {
        String l = c.line(0);
        if (!l.isEmpty()) {
            throw new Http1Connection.MalformedResponse("chunk data not followed by CRLF");
        }
    }

    private long chunkSize() throws IOException {
        String l = c.line(Http1Connection.MAX_HEAD_BYTES - MAX_CHUNK_LINE);
        int semi = l.indexOf(';');
        String hex = (semi < 0 ? l : l.substring(0, semi)).strip();
        if (hex.isEmpty() || hex.length() > 15) {
            throw new Http1Connection.MalformedResponse("chunk size \"" + l + "\" (expected: hex digits)");
        }
        long n = 0;
        for (int i = 0; i < hex.length(); i++) {
            int d = Character.digit(hex.charAt(i), 16);
            if (d < 0) {
                throw new Http1Connection.MalformedResponse("chunk size \"" + l + "\" (expected: hex digits)");
            }
            n = n * 16 + d;
        }
        return n;
    }

    /** Reads and drops what is left, up to {@code limit} bytes; returns whether the body ended. */
    boolean drain(long limit) {
        byte[] sink = new byte[4096];
        long total = 0;
        try {
            while (!done && total < limit) {
                int n = read(sink, 0, sink.length);
                if (n < 0) {
                    break;
                }
                total += n;
            }
        } catch (IOException e) {
            return false;
        }
        return done;
    }
}
