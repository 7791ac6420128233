package io.weft.sidecar.upstream.client;

/**
 * An upstream attempt that failed before a usable response head arrived. {@link #kind()} drives
 * retry decisions and the response flag; the message names the endpoint and what happened.
 */
public final class UpstreamException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong, in retry-policy terms. */
    public enum Kind {
        /** No connection could be made (refused, unreachable, connect timeout): safe to retry anywhere. */
        CONNECT_FAILURE,
        /** The connection broke or was closed before a complete response head. */
        RESET,
        /** The attempt ran past its deadline. */
        TIMEOUT,
        /** The upstream sent something that is not valid HTTP. */
        PROTOCOL_ERROR
    }

    private final Kind kind;
    private final boolean requestSent;

    public UpstreamException(Kind kind, String message, boolean requestSent, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.requestSent = requestSent;
    }

    public Kind kind() {
        return kind;
    }

    /** Whether any byte of the request may have reached the upstream (it might have acted on it). */
    public boolean requestSent() {
        return requestSent;
    }
}
