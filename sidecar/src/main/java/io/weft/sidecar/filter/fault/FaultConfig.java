package io.weft.sidecar.filter.fault;

import io.weft.sidecar.filter.FilterConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Fault injection for resilience testing: delay some requests, abort some with a status.
 *
 * @param delay           the delay to inject, if any
 * @param abort           the abort to inject, if any
 * @param maxActiveFaults how many requests may be delayed or aborted at once; empty: no limit
 */
public record FaultConfig(Optional<Delay> delay, Optional<Abort> abort, OptionalInt maxActiveFaults) implements FilterConfig {
    public FaultConfig {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(abort, "abort");
        Objects.requireNonNull(maxActiveFaults, "maxActiveFaults");
    }

    /**
     * @param fixed          how long to hold the request before passing it on
     * @param perMillion     share of requests delayed, in parts per million
     */
    public record Delay(Duration fixed, int perMillion) {
    }

    /**
     * @param httpStatus     HTTP status to answer with (for HTTP requests), or 0 when only gRPC
     * @param grpcStatus     gRPC status code to answer gRPC requests with, or -1 to use httpStatus
     * @param perMillion     share of requests aborted, in parts per million
     */
    public record Abort(int httpStatus, int grpcStatus, int perMillion) {
    }
}
