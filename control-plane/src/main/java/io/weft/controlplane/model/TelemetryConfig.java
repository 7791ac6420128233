package io.weft.controlplane.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The mesh-wide observability settings (mesh YAML {@code telemetry:}), pushed to every sidecar and
 * edge in their listeners' HttpConnectionManager.
 *
 * @param tracing   how requests are traced
 * @param accessLog how requests are logged
 */
public record TelemetryConfig(Tracing tracing, AccessLog accessLog) {
    public static final TelemetryConfig DEFAULT = new TelemetryConfig(
            new Tracing(Optional.empty(), "grpc", 100.0, true, false),
            new AccessLog(false, "-", 100.0, List.of()));

    public TelemetryConfig {
        Objects.requireNonNull(tracing, "tracing");
        Objects.requireNonNull(accessLog, "accessLog");
    }

    /**
     * @param collector                the OTLP collector URL; empty: no spans are recorded
     * @param protocol                 "grpc" or "http/protobuf"
     * @param samplingPercent          share of new traces sampled, 0 to 100
     * @param parentBased              follow the caller's sampling decision
     * @param alwaysSampleErrorsAtEdge export failed edge requests even when not sampled
     */
    public record Tracing(Optional<String> collector, String protocol, double samplingPercent, boolean parentBased,
                          boolean alwaysSampleErrorsAtEdge) {
        public Tracing {
            Objects.requireNonNull(collector, "collector");
            Objects.requireNonNull(protocol, "protocol");
        }
    }

    /**
     * @param enabled                write the log
     * @param path                   a file, or "-" for standard output
     * @param successSamplingPercent share of successful requests logged, 0 to 100; errors always are
     * @param fields                 fields written, in order; empty: all
     */
    public record AccessLog(boolean enabled, String path, double successSamplingPercent, List<String> fields) {
        public AccessLog {
            Objects.requireNonNull(path, "path");
            fields = List.copyOf(fields);
        }
    }
}
