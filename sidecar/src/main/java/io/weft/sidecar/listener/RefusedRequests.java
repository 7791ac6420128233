package io.weft.sidecar.listener;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.weft.sidecar.filter.ResponseFlag;
import java.nio.charset.StandardCharsets;

/**
 * Answers the requests Helidon's HTTP parser refuses before any handler runs (smuggling attempts,
 * invalid field names, obs-fold, bare CR, oversized heads): a short plain-text 4xx with the DPE
 * (downstream protocol error) response flag, and 431 rather than 400 when the header fields are too
 * large. The connection is closed after it, as Helidon does for these events. Helidon passes only
 * messages it deems safe to echo (the listener must include entities in its error handling).
 */
public final class RefusedRequests implements DirectHandler {
    private static final io.helidon.http.HeaderName FLAGS = HeaderNames.create(ResponseFlag.HEADER);
    private static final Status HEADERS_TOO_LARGE = Status.create(431, "Request Header Fields Too Large");

    private RefusedRequests() {
    }

    public static DirectHandlers handlers() {
        DirectHandlers.Builder b = DirectHandlers.builder();
        RefusedRequests h = new RefusedRequests();
        for (EventType t : EventType.values()) {
            b.addHandler(t, h);
        }
        return b.build();
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        if (message != null && message.contains("Header size exceeded")) {
            return respond(eventType, HEADERS_TOO_LARGE, headers, "request header fields larger than the limit");
        }
        return respond(eventType, status, headers, message);
    }

    private static TransportResponse respond(EventType eventType, Status status, ServerResponseHeaders headers,
                                             String message) {
        Status s = status;
        String detail = eventType == EventType.INTERNAL_ERROR ? "the proxy failed to handle the request"
                : message == null || message.isBlank() ? s.reasonPhrase() : message.strip();
        byte[] body = (s.code() + " " + s.reasonPhrase() + ": " + detail + "\n").getBytes(StandardCharsets.UTF_8);
        TransportResponse.Builder b = TransportResponse.builder().status(s).headers(headers)
                .header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        if (eventType != EventType.INTERNAL_ERROR) {
            b.header(FLAGS, "DPE");
        }
        return b.entity(body).build();
    }
}
