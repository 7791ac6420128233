package io.weft.controlplane.translate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLog;
import io.envoyproxy.envoy.config.trace.v3.Tracing;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.type.v3.Percent;
import io.weft.controlplane.model.TelemetryConfig;
import io.weft.proto.MeshNames;
import io.weft.proto.v1.JsonAccessLog;
import io.weft.proto.v1.OtlpTracing;

/**
 * The mesh's telemetry settings as HttpConnectionManager fields: {@code tracing} (random_sampling and
 * a {@code weft.v1.OtlpTracing} provider) and one {@code weft.v1.JsonAccessLog} access log. A mesh
 * without a {@code telemetry:} block adds nothing: proxies then record no spans and write no log.
 * Pure.
 */
public final class TelemetryTranslator {
    private TelemetryTranslator() {
    }

    /** Adds tracing and the access log to {@code hcm}. */
    public static HttpConnectionManager.Builder apply(HttpConnectionManager.Builder hcm, TelemetryConfig config) {
        if (config.equals(TelemetryConfig.DEFAULT)) {
            return hcm;
        }
        TelemetryConfig.Tracing t = config.tracing();
        OtlpTracing.Builder otlp = OtlpTracing.newBuilder()
                .setCollectorEndpoint(t.collector().orElse(""))
                .setProtocol(t.protocol().equals("http/protobuf") ? OtlpTracing.Protocol.HTTP_PROTOBUF : OtlpTracing.Protocol.GRPC)
                .setIgnoreParent(!t.parentBased())
                .setAlwaysSampleErrorsAtEdge(t.alwaysSampleErrorsAtEdge());
        hcm.setTracing(HttpConnectionManager.Tracing.newBuilder()
                .setRandomSampling(Percent.newBuilder().setValue(t.samplingPercent()))
                .setProvider(Tracing.Http.newBuilder().setName(MeshNames.OTLP_TRACER).setTypedConfig(Any.pack(otlp.build()))));
        TelemetryConfig.AccessLog a = config.accessLog();
        hcm.addAccessLog(AccessLog.newBuilder()
                .setName(MeshNames.JSON_ACCESS_LOG)
                .setTypedConfig(Any.pack(JsonAccessLog.newBuilder()
                        .setDisabled(!a.enabled())
                        .setPath(a.path())
                        .setSuccessSampleRatio(a.successSamplingPercent() / 100.0)
                        .addAllFields(a.fields())
                        .build())));
        return hcm;
    }
}
