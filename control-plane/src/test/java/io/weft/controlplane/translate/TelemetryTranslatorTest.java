package io.weft.controlplane.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.weft.controlplane.model.TelemetryConfig;
import io.weft.proto.v1.JsonAccessLog;
import io.weft.proto.v1.OtlpTracing;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TelemetryTranslatorTest {
    @Test
    void tracingAndAccessLogGoIntoTheConnectionManager() throws Exception {
        TelemetryConfig config = new TelemetryConfig(
                new TelemetryConfig.Tracing(Optional.of("http://otel:4318"), "http/protobuf", 5, false, true),
                new TelemetryConfig.AccessLog(true, "/var/log/weft.log", 20, List.of("time", "status")));
        HttpConnectionManager hcm = TelemetryTranslator.apply(HttpConnectionManager.newBuilder(), config).build();
        assertEquals(5.0, hcm.getTracing().getRandomSampling().getValue());
        assertEquals("weft.tracers.otlp", hcm.getTracing().getProvider().getName());
        assertEquals(OtlpTracing.newBuilder().setCollectorEndpoint("http://otel:4318")
                        .setProtocol(OtlpTracing.Protocol.HTTP_PROTOBUF).setIgnoreParent(true).setAlwaysSampleErrorsAtEdge(true).build(),
                hcm.getTracing().getProvider().getTypedConfig().unpack(OtlpTracing.class));
        assertEquals(1, hcm.getAccessLogCount());
        assertEquals(JsonAccessLog.newBuilder().setPath("/var/log/weft.log").setSuccessSampleRatio(0.2)
                        .addFields("time").addFields("status").build(),
                hcm.getAccessLog(0).getTypedConfig().unpack(JsonAccessLog.class));
    }

    @Test
    void aMeshWithoutTelemetryLeavesTheConnectionManagerAsItWas() {
        HttpConnectionManager hcm = TelemetryTranslator.apply(HttpConnectionManager.newBuilder(), TelemetryConfig.DEFAULT).build();
        assertFalse(hcm.hasTracing());
        assertEquals(0, hcm.getAccessLogCount());
    }
}
