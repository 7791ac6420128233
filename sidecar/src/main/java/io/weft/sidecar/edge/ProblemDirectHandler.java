package io.weft.sidecar.edge;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;

/**
 * Makes the requests that Helidon's HTTP parser refuses before any handler runs (a malformed request
 * line, a raw backslash in the path, oversized headers...) answer in the edge's one error format too.
 */
public final class ProblemDirectHandler implements DirectHandler {
    private ProblemDirectHandler() {
    }

    /** Direct handlers for every event type, all answering {@code application/problem+json}. */
    public static DirectHandlers all() {
        DirectHandlers.Builder b = DirectHandlers.builder();
        ProblemDirectHandler h = new ProblemDirectHandler();
        for (EventType t : EventType.values()) {
            b.addHandler(t, h);
        }
        return b.build();
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        String detail = eventType == EventType.INTERNAL_ERROR ? "the edge failed to handle the request"
                : "request refused before routing: " + (message == null || message.isBlank() ? status.reasonPhrase() : message);
        TransportResponse.Builder b = TransportResponse.builder().status(status).headers(headers)
                .header(HeaderNames.CONTENT_TYPE, Problem.CONTENT_TYPE)
                .entity(Problem.json(status.code(), Problem.title(status), detail));
        return b.build();
    }
}
