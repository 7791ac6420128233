package io.weft.controlplane.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.weft.controlplane.model.MeshConfig;
import io.weft.controlplane.model.TelemetryConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TelemetryConfigTest {
    private static MeshConfig parse(String yaml) {
        return MeshConfigLoader.parse(Map.of("mesh.yaml", "services: {users: {}}\n" + yaml));
    }

    private static String error(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml)).getMessage();
    }

    @Test
    void theTelemetryBlockIsReadWithDefaultsForWhatItLeavesOut() {
        MeshConfig c = parse("""
                telemetry:
                  tracing:
                    collector: http://otel-collector:4317
                    samplingPercent: 1.5
                    alwaysSampleErrorsAtEdge: true
                  accessLog:
                    successSamplingPercent: 10
                    fields: [time, trace_id, status]
                """);
        assertEquals(new TelemetryConfig(
                new TelemetryConfig.Tracing(Optional.of("http://otel-collector:4317"), "grpc", 1.5, true, true),
                new TelemetryConfig.AccessLog(true, "-", 10, List.of("time", "trace_id", "status"))), c.telemetry());
        assertEquals(TelemetryConfig.DEFAULT, parse("").telemetry());
    }

    @Test
    void errorsNameTheFileTheFieldAndTheExpectation() {
        assertEquals("mesh.yaml: telemetry.tracing.samplingPercent: 150 (expected: a number from 0 to 100)",
                error("telemetry: {tracing: {samplingPercent: 150}}"));
        assertEquals("mesh.yaml: telemetry.tracing.protocol: \"thrift\" (expected: grpc or http/protobuf)",
                error("telemetry: {tracing: {protocol: thrift}}"));
        assertEquals("mesh.yaml: telemetry.tracing.collector: \"otel:4317\" (expected: an http:// or https:// URL such as "
                + "http://otel-collector:4317)", error("telemetry: {tracing: {collector: \"otel:4317\"}}"));
        String field = error("telemetry: {accessLog: {fields: [time, colour]}}");
        assertEquals(true, field.startsWith("mesh.yaml: telemetry.accessLog.fields[1]: \"colour\" (expected: one of [time, trace_id,"), field);
    }
}
