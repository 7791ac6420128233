package io.weft.controlplane.config;

import io.weft.controlplane.model.TelemetryConfig;
import io.weft.proto.MeshNames;
import io.weft.telemetry.export.OtlpEndpoint;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the mesh YAML's {@code telemetry:} block:
 * <pre>
 * telemetry:
 *   tracing:
 *     collector: http://otel-collector:4317   # OTLP endpoint; omit to record no spans
 *     protocol: grpc                          # or http/protobuf
 *     samplingPercent: 10                     # new traces sampled, 0-100 (default 100)
 *     parentBased: true                       # follow the caller's decision (default true)
 *     alwaysSampleErrorsAtEdge: true          # export failed edge requests anyway (default false)
 *   accessLog:
 *     path: "-"                               # a file, or "-" for standard output
 *     successSamplingPercent: 100             # successful requests logged (errors always are)
 *     fields: [time, trace_id, status]        # default: all
 * </pre>
 */
final class TelemetryConfigReader {
    private static final Set<String> KEYS = Set.of("tracing", "accessLog");
    private static final Set<String> TRACING_KEYS =
            Set.of("collector", "protocol", "samplingPercent", "parentBased", "alwaysSampleErrorsAtEdge");
    private static final Set<String> LOG_KEYS = Set.of("enabled", "path", "successSamplingPercent", "fields");

    private TelemetryConfigReader() {
    }

    static TelemetryConfig read(YamlNode node) {
        node.allowKeys(KEYS);
        TelemetryConfig.Tracing tracing = TelemetryConfig.DEFAULT.tracing();
        YamlNode t = node.get("tracing");
        if (!t.isMissing()) {
            t.allowKeys(TRACING_KEYS);
            Optional<String> collector = t.get("collector").optString();
            if (collector.isPresent()) {
                checkUrl(t.get("collector"), collector.get());
            }
            String protocol = t.get("protocol").optString().orElse("grpc");
            if (!protocol.equals("grpc") && !protocol.equals("http/protobuf")) {
                throw t.get("protocol").error("grpc or http/protobuf");
            }
            tracing = new TelemetryConfig.Tracing(collector, protocol, t.get("samplingPercent").number(100, 0, 100),
                    t.get("parentBased").bool(true), t.get("alwaysSampleErrorsAtEdge").bool(false));
        }
        TelemetryConfig.AccessLog log = TelemetryConfig.DEFAULT.accessLog();
        YamlNode a = node.get("accessLog");
        if (!a.isMissing()) {
            a.allowKeys(LOG_KEYS);
            List<String> fields = a.get("fields").isMissing() ? List.of() : a.get("fields").stringList();
            List<YamlNode> fieldNodes = a.get("fields").isMissing() ? List.of() : a.get("fields").list();
            for (int i = 0; i < fields.size(); i++) {
                if (!MeshNames.ACCESS_LOG_FIELDS.contains(fields.get(i))) {
                    throw fieldNodes.get(i).error("one of " + MeshNames.ACCESS_LOG_FIELDS);
                }
            }
            log = new TelemetryConfig.AccessLog(a.get("enabled").bool(true), a.get("path").optString().orElse("-"),
                    a.get("successSamplingPercent").number(100, 0, 100), fields);
        }
        return new TelemetryConfig(tracing, log);
    }

    private static void checkUrl(YamlNode node, String s) {
        try {
            OtlpEndpoint.of("grpc", s);
        } catch (IllegalArgumentException e) {
            throw node.error("an http:// or https:// URL such as http://otel-collector:4317");
        }
    }
}
