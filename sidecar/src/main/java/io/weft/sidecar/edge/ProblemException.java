package io.weft.sidecar.edge;

import java.util.Map;
import java.util.Objects;

/**
 * Thrown by a filter (or the request/response helpers it calls) when the edge itself must answer
 * with an error; the handler turns it into an {@code application/problem+json} response.
 */
public final class ProblemException extends RuntimeException {
    private final int status;
    private final String title;
    private final Map<String, String> headers;

    public ProblemException(int status, String title, String detail) {
        this(status, title, detail, Map.of());
    }

    public ProblemException(int status, String title, String detail, Map<String, String> headers) {
        super(detail, null, false, false);
        this.status = status;
        this.title = Objects.requireNonNull(title, "title");
        this.headers = Map.copyOf(headers);
    }

    public EdgeResponse toResponse() {
        EdgeResponse r = Problem.response(status, title, getMessage());
        headers.forEach(r::header);
        return r;
    }
}
