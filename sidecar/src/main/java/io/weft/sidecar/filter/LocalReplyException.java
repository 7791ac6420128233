package io.weft.sidecar.filter;

import io.helidon.http.Status;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Thrown by a filter, or by code a filter calls (a body parser, a size-limited stream), when the proxy
 * must answer the request itself. The exchange catches it and sends a local reply in the listener's
 * format (plain text on sidecars, {@code application/problem+json} at the edge) with the given status,
 * detail, extra header fields and response flag. Cheap to throw: no stack trace.
 */
public final class LocalReplyException extends RuntimeException {
    private final Status status;
    private final Map<String, String> headers;
    private final Optional<ResponseFlag> flag;

    public LocalReplyException(int status, String detail) {
        this(status, detail, Map.of(), Optional.empty());
    }

    /**
     * @param headers header fields to add to the reply (e.g. {@code retry-after})
     * @param flag    the response flag to mark the reply with, if any
     */
    public LocalReplyException(int status, String detail, Map<String, String> headers, Optional<ResponseFlag> flag) {
        super(Objects.requireNonNull(detail, "detail"), null, false, false);
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("local reply status: " + status + " (expected: 200 to 599)");
        }
        this.status = Status.create(status);
        this.headers = Map.copyOf(headers);
        this.flag = Objects.requireNonNull(flag, "flag");
    }

    public Status status() {
        return status;
    }

    public String detail() {
        return getMessage();
    }

    public Map<String, String> headers() {
        return headers;
    }

    public Optional<ResponseFlag> flag() {
        return flag;
    }
}
