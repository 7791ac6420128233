package io.weft.sidecar.upstream.client;

import io.helidon.http.Headers;
import java.io.InputStream;
import java.util.Objects;

/**
 * One request as it goes upstream.
 *
 * @param method    the method token
 * @param target    the origin-form target: path and query
 * @param authority the {@code Host} to send
 * @param headers   the fields to send (hop-by-hop ones already removed; no Host, no framing fields)
 * @param body      the body
 */
public record UpstreamRequest(String method, String target, String authority, Headers headers, Body body) {
    public UpstreamRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(authority, "authority");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
    }

    /** A request body: none, held in full (replayable, so retries can resend it), or streamed once. */
    public sealed interface Body {
        /** No body. */
        Body NONE = new None();

        record None() implements Body {
        }

        record Bytes(byte[] bytes) implements Body {
        }

        /**
         * @param in     the caller's body; a failure reading it (bad chunked coding, a client that went
         *               away) surfaces as {@link DownstreamException}, not as an upstream failure
         * @param length the Content-Length, or -1 to send it in chunked coding
         */
        record Stream(InputStream in, long length) implements Body {
        }

        /** Whether the body can be sent again. */
        default boolean replayable() {
            return !(this instanceof Stream);
        }
    }
}
