package io.weft.sidecar.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLog;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.weft.proto.MeshNames;
import io.weft.proto.v1.JsonAccessLog;
import io.weft.proto.v1.OtlpTracing;
import io.weft.sidecar.model.TelemetrySpec;
import io.weft.telemetry.export.OtlpEndpoint;
import java.util.Optional;

/**
 * Reads a listener's tracing ({@code tracing.random_sampling} + a {@code weft.v1.OtlpTracing}
 * provider) and access log ({@code weft.v1.JsonAccessLog}) out of its HttpConnectionManager.
 * Missing parts take {@link TelemetrySpec#DEFAULT}'s values. Stateless.
 */
final class TelemetryParser {
    static final String OTLP_TRACING_TYPE = "type.googleapis.com/" + OtlpTracing.getDescriptor().getFullName();
    static final String JSON_ACCESS_LOG_TYPE = "type.googleapis.com/" + JsonAccessLog.getDescriptor().getFullName();

    private TelemetryParser() {
    }

    static TelemetrySpec parse(HttpConnectionManager hcm, String where) throws InvalidResourceException {
        TelemetrySpec.Tracing tracing = TelemetrySpec.DEFAULT.tracing();
        if (hcm.hasTracing()) {
            var t = hcm.getTracing();
            double ratio = 1.0;
            if (t.hasRandomSampling()) {
                double pct = t.getRandomSampling().getValue();
                if (!(pct >= 0 && pct <= 100)) {
                    throw new InvalidResourceException(where + ": tracing.random_sampling " + pct + " (expected: 0 to 100)");
                }
                ratio = pct / 100.0;
            }
            tracing = new TelemetrySpec.Tracing(Optional.empty(), "grpc", ratio, true, false);
            if (t.hasProvider() && t.getProvider().hasTypedConfig()) {
                Any any = t.getProvider().getTypedConfig();
                if (!any.getTypeUrl().equals(OTLP_TRACING_TYPE)) {
                    throw new InvalidResourceException(where + ": tracing.provider.typed_config " + any.getTypeUrl()
                            + " (expected: " + OTLP_TRACING_TYPE + ")");
                }
                OtlpTracing o = unpack(any, OtlpTracing.class, where + ": tracing.provider");
                Optional<String> collector = Optional.empty();
                if (!o.getCollectorEndpoint().isEmpty()) {
                    collector = Optional.of(url(o.getCollectorEndpoint(), where + ": tracing.provider.collector_endpoint"));
                }
                String protocol = o.getProtocol() == OtlpTracing.Protocol.HTTP_PROTOBUF ? "http/protobuf" : "grpc";
                tracing = new TelemetrySpec.Tracing(collector, protocol, ratio, !o.getIgnoreParent(),
                        o.getAlwaysSampleErrorsAtEdge());
            }
        }
        TelemetrySpec.AccessLog log = TelemetrySpec.DEFAULT.accessLog();
        for (int i = 0; i < hcm.getAccessLogCount(); i++) {
            AccessLog a = hcm.getAccessLog(i);
            if (!a.hasTypedConfig() || !a.getTypedConfig().getTypeUrl().equals(JSON_ACCESS_LOG_TYPE)) {
                continue; // other loggers are Envoy's business
            }
            JsonAccessLog j = unpack(a.getTypedConfig(), JsonAccessLog.class, where + ": access_log[" + i + "]");
            double ratio = j.getSuccessSampleRatio();
            if (!(ratio >= 0 && ratio <= 1)) {
                throw new InvalidResourceException(where + ": access_log[" + i + "].success_sample_ratio " + ratio
                        + " (expected: 0 to 1)");
            }
            for (String f : j.getFieldsList()) {
                if (!MeshNames.ACCESS_LOG_FIELDS.contains(f)) {
                    throw new InvalidResourceException(where + ": access_log[" + i + "].fields: \"" + f
                            + "\" (expected: one of " + MeshNames.ACCESS_LOG_FIELDS + ")");
                }
            }
            log = new TelemetrySpec.AccessLog(!j.getDisabled(), j.getPath().isEmpty() ? "-" : j.getPath(), ratio,
                    j.getFieldsList());
        }
        return new TelemetrySpec(tracing, log);
    }

    private static String url(String s, String where) throws InvalidResourceException {
        try {
            OtlpEndpoint.of("grpc", s);
            return s;
        } catch (IllegalArgumentException e) {
            throw new InvalidResourceException(where + ": \"" + s + "\" (expected: an http:// or https:// URL with a host)");
        }
    }

    private static <T extends com.google.protobuf.Message> T unpack(Any any, Class<T> type, String where)
            throws InvalidResourceException {
        try {
            return any.unpack(type);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidResourceException(where + ": cannot decode " + type.getSimpleName() + " (" + e.getMessage() + ")");
        }
    }
}
