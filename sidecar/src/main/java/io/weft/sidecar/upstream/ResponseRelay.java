package io.weft.sidecar.upstream;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.ServerResponseTrailers;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.weft.sidecar.upstream.client.ResponseHead;
import io.weft.sidecar.upstream.client.UpstreamResponse;
import io.weft.sidecar.filter.Exchange;
import io.weft.sidecar.filter.LocalReplyException;
import io.weft.sidecar.filter.ResponseFlag;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.SequenceInputStream;
import java.util.Optional;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Copies an upstream response to the downstream: status, end-to-end header fields (hop-by-hop ones
 * dropped per RFC 9110 §7.6.1, including those the upstream's {@code Connection} names), the body
 * streamed without decoding, and trailer fields (gRPC status) when the downstream can carry them.
 */
final class ResponseRelay {
    /** Bodies up to this size with a declared length are read whole and sent with the head in one write. */
    private static final int SMALL_BODY = 64 * 1024;

    private static final io.helidon.http.Header GRPC_TRAILER = HeaderValues.createCached(HeaderNames.TRAILER,
            "grpc-status, grpc-message, grpc-status-details-bin");

    private ResponseRelay() {
    }

    /**
     * @param headRequest      the request was HEAD: no body follows
     * @param trailersAccepted the downstream can receive trailer fields (HTTP/2, or HTTP/1.1 with {@code TE: trailers})
     */
    static void relay(UpstreamResponse up, Exchange ex, boolean headRequest, boolean trailersAccepted) throws IOException {
        ServerResponse res = ex.response();
        ResponseHead head = up.head();
        res.status(Status.create(head.status()));
        copyFields(head, res.headers());
        OptionalLong length = up.contentLength();
        int s = head.status();
        if (headRequest || s == 204 || s == 304) {
            length.ifPresent(n -> res.headers().contentLength(n));
            res.send();
            return;
        }
        InputStream body = up.body();
        boolean grpc = head.first("content-type").map(v -> v.startsWith("application/grpc")).orElse(false);
        if (!grpc && ex.responseBufferLimit() >= 0) {
            Optional<InputStream> rest = buffered(up, ex, length);
            if (rest.isEmpty()) {
                return;
            }
            body = rest.get();
        }
        if (grpc && head.first("grpc-status").isPresent()) {
            // gRPC "trailers-only": the status is in the head, which must end the stream (no DATA frame)
            res.beforeSend(() -> res.headers().remove(HeaderNames.TRAILER));
            res.outputStream().close();
            return;
        }
        if (grpc && trailersAccepted && !res.headers().contains(HeaderNames.TRAILER)) {
            // Helidon sends HTTP/2 trailers only when the head announces them
            res.beforeSend(() -> res.headers().set(GRPC_TRAILER));
        }
        if (length.isPresent() && length.getAsLong() <= SMALL_BODY && !up.trailersPossible()) {
            byte[] bytes = body.readNBytes((int) length.getAsLong());
            if (bytes.length != length.getAsLong()) {
                throw new IOException("upstream body ended after " + bytes.length + " of " + length.getAsLong() + " bytes");
            }
            res.headers().remove(HeaderNames.CONTENT_LENGTH);
            res.send(bytes);
            return;
        }
        if (length.isEmpty()) {
            res.headers().remove(HeaderNames.CONTENT_LENGTH);
        }
        try (OutputStream os = res.outputStream()) {
            byte[] buf = new byte[16 * 1024];
            int n;
            while ((n = body.read(buf)) > 0) {
                os.write(buf, 0, n);
                if (body.available() == 0) {
                    os.flush(); // stream as it arrives (server-sent events, gRPC streams)
                }
            }
            if (trailersAccepted || res.headers().contains(HeaderNames.TRAILER)) {
            up.trailers().ifPresent(t -> copyTrailers(t, res.trailers()));
            }
        }
    }

    /**
     * For body hooks: reads the body whole if it fits the hooks' limit and sends it through them (empty
     * result). A larger body is refused with 502 when a hook requires it, else streamed on untouched:
     * the result is the whole body again, what was read first followed by the rest.
     */
    private static Optional<InputStream> buffered(UpstreamResponse up, Exchange ex, OptionalLong length) throws IOException {
        long limit = ex.responseBufferLimit();
        InputStream body = up.body();
        byte[] bytes = new byte[0];
        if (length.isEmpty() || length.getAsLong() <= limit) {
            bytes = body.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
            if (bytes.length <= limit) {
                if (length.isPresent() && bytes.length != length.getAsLong()) {
                    throw new IOException("upstream body ended after " + bytes.length + " of " + length.getAsLong() + " bytes");
                }
                ex.respond(ex.response().status(), bytes);
                return Optional.empty();
            }
        }
        if (ex.responseBodyRequired()) {
            up.abort();
            ex.response().headers().clear();
            ex.respond(new LocalReplyException(502, "upstream response larger than " + limit + " bytes",
                    java.util.Map.of(), Optional.of(ResponseFlag.UR)));
            return Optional.empty();
        }
        return Optional.of(new SequenceInputStream(new ByteArrayInputStream(bytes), body));
    }

    private static void copyFields(ResponseHead head, ServerResponseHeaders out) {
        String connection = head.first("connection").map(v -> "," + v.toLowerCase(Locale.ROOT).replace(" ", "") + ",").orElse("");
        for (int i = 0, n = head.size(); i < n; i++) {
            String name = head.name(i);
            if (HopByHop.isHopByHop(name) || (!connection.isEmpty() && connection.contains("," + name + ","))) {
                continue;
            }
            out.add(HeaderValues.create(HeaderNames.createFromLowercase(name), head.value(i)));
        }
    }

    private static void copyTrailers(ResponseHead t, ServerResponseTrailers out) {
        for (int i = 0, n = t.size(); i < n; i++) {
            out.add(HeaderValues.create(HeaderNames.createFromLowercase(t.name(i)), t.value(i)));
        }
    }
}
