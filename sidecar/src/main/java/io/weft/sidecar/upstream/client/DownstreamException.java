package io.weft.sidecar.upstream.client;

/**
 * Reading the caller's request body failed while it was streamed upstream: bad chunked coding, a
 * body over the size limit, or a client that went away. Not the upstream's fault: the proxy answers
 * the caller (4xx) or closes its connection.
 */
public final class DownstreamException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DownstreamException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
