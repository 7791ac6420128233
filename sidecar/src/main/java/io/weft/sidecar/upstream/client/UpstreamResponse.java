package io.weft.sidecar.upstream.client;

import java.io.InputStream;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A response head received from upstream, with its body still on the wire. Owned by one request;
 * not thread-safe. Always {@link #close()} it: that returns the connection to its pool when the
 * body was read to the end, and closes the connection otherwise.
 */
public interface UpstreamResponse extends AutoCloseable {
    ResponseHead head();

    default int status() {
        return head().status();
    }

    /** The body as received, without transfer coding; empty for responses without one. */
    InputStream body();

    /** The body's length when the upstream declared it. */
    OptionalLong contentLength();

    /** Whether trailer fields may follow the body (chunked HTTP/1.1, or HTTP/2). */
    boolean trailersPossible();

    /** Trailer fields, once the body has been read to the end. */
    Optional<ResponseHead> trailers();

    /** Which endpoint answered ({@code ip:port}). */
    String endpoint();

    /** Releases the response: reuses the connection if the body was fully read, else closes it. */
    @Override
    void close();

    /** Closes the connection at once (the body is not wanted, or the caller failed midway). */
    void abort();
}
