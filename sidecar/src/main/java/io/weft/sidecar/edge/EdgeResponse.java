package io.weft.sidecar.edge;

import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Optional;

/**
 * A response on its way back up an edge chain: status, headers and a body that is either bytes or
 * the upstream's still-open stream. Filters that need the body call {@link #bodyBytes()}, which reads
 * and closes the stream; header-only filters leave it streaming. Not thread-safe.
 */
public final class EdgeResponse implements AutoCloseable {
    private int status;
    private final WritableHeaders<?> headers;
    private byte[] body;
    private InputStream stream;
    private final AutoCloseable onClose;

    private EdgeResponse(int status, WritableHeaders<?> headers, byte[] body, InputStream stream, AutoCloseable onClose) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.stream = stream;
        this.onClose = onClose;
    }

    public static EdgeResponse of(int status, byte[] body) {
        return new EdgeResponse(status, WritableHeaders.create(), Objects.requireNonNull(body, "body"), null, () -> { });
    }

    /** A response whose body is still streaming from upstream; {@code onClose} releases the connection. */
    public static EdgeResponse streaming(int status, WritableHeaders<?> headers, InputStream stream, AutoCloseable onClose) {
        return new EdgeResponse(status, headers, null, Objects.requireNonNull(stream, "stream"), onClose);
    }

    public int status() {
        return status;
    }

    public void status(int s) {
        this.status = s;
    }

    public WritableHeaders<?> headers() {
        return headers;
    }

    public Optional<String> header(String name) {
        return headers.first(HeaderNames.create(name));
    }

    public EdgeResponse header(String name, String value) {
        headers.set(HeaderNames.create(name), value);
        return this;
    }

    public boolean isStreaming() {
        return stream != null;
    }

    /**
     * The whole body, reading the upstream stream to its end if needed.
     *
     * @throws ProblemException 502 when the upstream's body is larger than {@code max} or breaks off
     */
    public byte[] bodyBytes(long max) {
        if (body == null) {
            try (InputStream in = stream) {
                byte[] b = in.readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE - 8));
                if (b.length > max) {
                    throw new ProblemException(502, "Bad Gateway", "upstream response larger than " + max + " bytes");
                }
                body = b;
            } catch (IOException | UncheckedIOException e) {
                throw new ProblemException(502, "Bad Gateway", "upstream response broke off: " + e.getMessage());
            } finally {
                stream = null;
                closeQuietly();
            }
        }
        return body;
    }

    public void body(byte[] newBody) {
        this.body = Objects.requireNonNull(newBody, "newBody");
        if (stream != null) {
            try {
                stream.close();
            } catch (IOException e) {
                // replaced anyway
            }
            stream = null;
            closeQuietly();
        }
        headers.remove(HeaderNames.CONTENT_LENGTH);
        headers.remove(HeaderNames.TRANSFER_ENCODING);
    }

    /** The body as a stream for writing to the client: the bytes, or the upstream stream itself. */
    public InputStream bodyStream() {
        return body != null ? new java.io.ByteArrayInputStream(body) : stream;
    }

    private void closeQuietly() {
        try {
            onClose.close();
        } catch (Exception e) {
            // nothing left to release
        }
    }

    @Override
    public void close() {
        if (stream != null) {
            try {
                stream.close();
            } catch (IOException e) {
                // closing anyway
            }
            stream = null;
        }
        closeQuietly();
    }
}
