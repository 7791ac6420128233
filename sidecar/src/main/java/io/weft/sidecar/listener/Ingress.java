package io.weft.sidecar.listener;

import io.helidon.http.WritableHeaders;
import io.helidon.webserver.http.ServerRequest;
import io.weft.sidecar.config.ConfigSnapshot;
import io.weft.sidecar.filter.Exchange;
import io.weft.sidecar.filter.LocalReply;

/**
 * What one kind of listener does with a request around routing, beyond what every listener does.
 * A sidecar's listeners take requests as they come ({@link #PASS}); the public edge normalizes paths,
 * strips the header fields only it may set and answers in {@code application/problem+json}.
 * Implementations are immutable or thread-safe: one instance serves every request of a listener.
 */
public interface Ingress {
    /** Takes the request as it comes; plain-text local replies. */
    Ingress PASS = new Ingress() {
    };

    /**
     * The path to route on and forward.
     *
     * @param rawPath the path as received, without the query
     * @throws io.weft.sidecar.filter.LocalReplyException to refuse the request (e.g. 400 for a path trick)
     */
    default String path(String rawPath) {
        return rawPath;
    }

    /** Adjusts the header fields that go upstream before any filter sees them. */
    default void upstreamHeaders(ConfigSnapshot snapshot, ServerRequest request, WritableHeaders<?> headers) {
    }

    /**
     * Runs first for every request, before it is answered or routed (e.g. to bound the body's size or to
     * add response headers).
     *
     * @throws io.weft.sidecar.filter.LocalReplyException to refuse the request
     */
    default void begin(Exchange exchange) {
    }

    /** The format of the listener's own answers. */
    default LocalReply localReply() {
        return LocalReply.PLAIN_TEXT;
    }
}
