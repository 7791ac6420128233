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
    Upstreams NONE = new Upstreams() {
        @Override
        public Reply send(Call call) {
            throw new Failure(503, ResponseFlag.NCF, "no configuration to send " + call.cluster() + " a request");
        }

        @Override
        public GrpcReply grpc(GrpcCall call) {
            throw new Failure(503, ResponseFlag.NCF, "no configuration to send " + call.cluster() + " a request");
        }
    };

    /**
     * Sends one request and reads the whole response.
     *
     * @throws Failure when no complete response arrived: no such cluster or endpoint, connect failure,
     *                 reset, deadline passed, or a body over {@link Call#maxBodyBytes()}
     */
    Reply send(Call call);

    /**
     * Makes one unary gRPC call over HTTP/2 and waits for its status.
     *
     * @throws Failure when the cluster has no endpoint; a call that fails (unavailable, deadline
     *                 exceeded, an error from the service) comes back as a {@link GrpcReply} with its code
     */
    GrpcReply grpc(GrpcCall call);

    /**
     * One unary gRPC call.
     *
     * @param fullMethod    {@code package.Service/Method}
     * @param message       the serialized request message
     * @param metadata      request metadata (lower-case ASCII keys)
     * @param deadlineNanos absolute {@link System#nanoTime()} deadline
     */
    record GrpcCall(String cluster, String fullMethod, String authority, byte[] message, java.util.Map<String, String> metadata,
                    long deadlineNanos) {
        public GrpcCall {
            Objects.requireNonNull(cluster, "cluster");
            Objects.requireNonNull(fullMethod, "fullMethod");
            Objects.requireNonNull(authority, "authority");
            Objects.requireNonNull(message, "message");
            metadata = java.util.Map.copyOf(metadata);
        }
    }

    /**
     * How a unary gRPC call ended.
     *
     * @param code        the gRPC status code (0 OK ... 16 UNAUTHENTICATED)
     * @param description the status message; empty when none
     * @param message     the serialized response message; empty unless OK
     */
    record GrpcReply(int code, String description, byte[] message) {
        public GrpcReply {
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(message, "message");
        }
    }

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
