package io.weft.sidecar.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLog;
import io.envoyproxy.envoy.config.trace.v3.Tracing;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.type.v3.Percent;
import io.weft.proto.v1.JsonAccessLog;
import io.weft.proto.v1.OtlpTracing;
import io.weft.sidecar.model.TelemetrySpec;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TelemetryParserTest {
    @Test
    void tracingAndAccessLogAreReadFromTheConnectionManager() throws Exception {
        HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
                .setTracing(HttpConnectionManager.Tracing.newBuilder()
                        .setRandomSampling(Percent.newBuilder().setValue(25))
                        .setProvider(Tracing.Http.newBuilder().setName("weft.tracers.otlp").setTypedConfig(Any.pack(
                                OtlpTracing.newBuilder().setCollectorEndpoint("http://collector:4318")
                                        .setProtocol(OtlpTracing.Protocol.HTTP_PROTOBUF).setIgnoreParent(true)
                                        .setAlwaysSampleErrorsAtEdge(true).build()))))
                .addAccessLog(AccessLog.newBuilder().setName("weft.access_loggers.json").setTypedConfig(Any.pack(
                        JsonAccessLog.newBuilder().setPath("/var/log/weft.log").setSuccessSampleRatio(0.1)
                                .addFields("time").addFields("trace_id").build())))
                .build();
        TelemetrySpec spec = TelemetryParser.parse(hcm, "Listener weft.edge");
        assertEquals(new TelemetrySpec.Tracing(Optional.of("http://collector:4318"), "http/protobuf", 0.25, false, true),
                spec.tracing());
        assertEquals(new TelemetrySpec.AccessLog(true, "/var/log/weft.log", 0.1, List.of("time", "trace_id")), spec.accessLog());
    }

    @Test
    void aConnectionManagerWithoutTelemetryGetsTheDefaults() throws Exception {
        assertEquals(TelemetrySpec.DEFAULT, TelemetryParser.parse(HttpConnectionManager.getDefaultInstance(), "Listener x"));
    }

    @Test
    void badValuesAreRefusedNamingTheFieldAndTheExpectation() {
        var badRatio = HttpConnectionManager.newBuilder().setTracing(HttpConnectionManager.Tracing.newBuilder()
                .setRandomSampling(Percent.newBuilder().setValue(150))).build();
        assertEquals("Listener x: tracing.random_sampling 150.0 (expected: 0 to 100)",
                assertThrows(InvalidResourceException.class, () -> TelemetryParser.parse(badRatio, "Listener x")).getMessage());
        var badField = HttpConnectionManager.newBuilder().addAccessLog(AccessLog.newBuilder().setTypedConfig(Any.pack(
                JsonAccessLog.newBuilder().setSuccessSampleRatio(1).addFields("colour").build()))).build();
        String msg = assertThrows(InvalidResourceException.class, () -> TelemetryParser.parse(badField, "Listener x")).getMessage();
        assertEquals(true, msg.startsWith("Listener x: access_log[0].fields: \"colour\" (expected: one of [time, trace_id,"), msg);
        var badUrl = HttpConnectionManager.newBuilder().setTracing(HttpConnectionManager.Tracing.newBuilder()
                .setProvider(Tracing.Http.newBuilder().setTypedConfig(Any.pack(
                        OtlpTracing.newBuilder().setCollectorEndpoint("collector:4317").build())))).build();
        assertEquals("Listener x: tracing.provider.collector_endpoint: \"collector:4317\" (expected: an http:// or https:// URL with a host)",
                assertThrows(InvalidResourceException.class, () -> TelemetryParser.parse(badUrl, "Listener x")).getMessage());
    }
}
