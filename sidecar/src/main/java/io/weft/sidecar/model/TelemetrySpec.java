package io.weft.sidecar.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a listener traces and logs, as the control plane described it (HCM tracing and access_log).
 *
 * @param tracing   the tracing policy
 * @param accessLog the JSON access log policy
 */
public record TelemetrySpec(Tracing tracing, AccessLog accessLog) {
    /** No collector, and the access log on standard output with every request. */
    public static final TelemetrySpec DEFAULT = new TelemetrySpec(
            new Tracing(Optional.empty(), "grpc", 1.0, true, false),
            new AccessLog(false, "-", 1.0, List.of()));

    public TelemetrySpec {
        Objects.requireNonNull(tracing, "tracing");
        Objects.requireNonNull(accessLog, "accessLog");
    }

    /**
     * @param collector           the OTLP collector URL; empty: record no spans
     * @param protocol            "grpc" or "http/protobuf"
     * @param ratio               share of new traces sampled, 0 to 1
     * @param parentBased         follow the caller's sampling decision when it sent one
     * @param alwaysSampleErrors  at the edge, export failed requests even when not sampled
     */
    public record Tracing(Optional<String> collector, String protocol, double ratio, boolean parentBased,
                          boolean alwaysSampleErrors) {
        public Tracing {
            Objects.requireNonNull(collector, "collector");
            Objects.requireNonNull(protocol, "protocol");
        }
    }

    /**
     * @param enabled      write the log at all
     * @param path         a file, or "-" for standard output
     * @param successRatio share of successful requests logged, 0 to 1; errors always are
     * @param fields       the fields written, in order; empty: all
     */
    public record AccessLog(boolean enabled, String path, double successRatio, List<String> fields) {
        public AccessLog {
            Objects.requireNonNull(path, "path");
            fields = List.copyOf(fields);
        }
    }
}
