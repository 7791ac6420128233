package io.weft.sidecar.filter;

import io.helidon.http.Headers;
import java.util.Objects;
import java.util.Optional;

/**
 * Requests a filter makes on its own (aggregation, transcoding): sent to a cluster of the snapshot the
 * exchange is served from, through the data plane's upstream clients (endpoint choice, pooled
 * HTTP/1.1 and HTTP/2 connections, deadlines). Blocking; call it from any virtual thread. Thread-safe.
 */
public interface Upstreams {
    /** For exchanges created outside a listener (no snapshot): every call fails with 503. */
    Upstreams NONE = call -> {
        throw new Failure(503, ResponseFlag.NCF, "no configuration to send " + call.cluster() + " a request");
    };

    /**
     * Sends one request and reads the whole response.
     *
     * @throws Failure when no complete response arrived: no such cluster or endpoint, connect failure,
     *                 reset, deadline passed, or a body over {@link Call#maxBodyBytes()}
     */
    Reply send(Call call);

    /**
     * One request.
     *
     * @param pathAndQuery  origin-form target
     * @param authority     the {@code Host} / {@code :authority} to send
     * @param headers       fields to send (no hop-by-hop or framing fields)
     * @param body          the body; empty for none
     * @param deadlineNanos absolute {@link System#nanoTime()} deadline for the whole call
     * @param maxBodyBytes  the largest response body accepted
     */
    record Call(String cluster, String method, String pathAndQuery, String authority, Headers headers, byte[] body,
                long deadlineNanos, int maxBodyBytes) {
        public Call {
            Objects.requireNonNull(cluster, "cluster");
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(pathAndQuery, "pathAndQuery");
            Objects.requireNonNull(authority, "authority");
            Objects.requireNonNull(headers, "headers");
            Objects.requireNonNull(body, "body");
        }
    }

    /**
     * A complete response.
     *
     * @param contentType its {@code Content-Type}, if any
     * @param endpoint    which endpoint answered ({@code ip:port})
     */
    record Reply(int status, Optional<String> contentType, byte[] body, String endpoint) {
        public Reply {
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(endpoint, "endpoint");
        }
    }

    /** No complete response: the status a proxy would answer with (502, 503, 504), the flag and why. */
    final class Failure extends RuntimeException {
        private final int status;
        private final ResponseFlag flag;

        public Failure(int status, ResponseFlag flag, String detail) {
            super(detail, null, false, false);
            this.status = status;
            this.flag = Objects.requireNonNull(flag, "flag");
        }

        public int status() {
            return status;
        }

        public ResponseFlag flag() {
            return flag;
        }
    }
}
