package io.weft.sidecar.filter;

import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import java.nio.charset.StandardCharsets;

/**
 * The format of the answers a listener gives itself (no route, no upstream, refused by a filter):
 * sets the content type on the response headers and returns the body. Each listener has one; the
 * edge's is {@code application/problem+json}. Implementations are stateless and thread-safe.
 */
@FunctionalInterface
public interface LocalReply {
    /** {@code <code> <reason>: <detail>} as {@code text/plain}, the sidecar's format. */
    LocalReply PLAIN_TEXT = (status, detail, headers) -> {
        headers.set(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        return (status.code() + " " + status.reasonPhrase() + ": " + detail + "\n").getBytes(StandardCharsets.UTF_8);
    };

    byte[] render(Status status, String detail, ServerResponseHeaders headers);
}
