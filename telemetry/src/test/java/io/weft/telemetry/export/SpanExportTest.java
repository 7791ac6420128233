package io.weft.telemetry.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.weft.telemetry.testing.OtlpReceiver;
import io.weft.telemetry.testing.ReceivedSpan;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SpanExportTest {
    @ParameterizedTest
    @EnumSource(OtlpEndpoint.Protocol.class)
    void spansReachARealOtlpReceiverOverEitherProtocol(OtlpEndpoint.Protocol protocol) throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.start()) {
            String url = protocol == OtlpEndpoint.Protocol.GRPC ? receiver.grpcEndpoint() : receiver.httpEndpoint();
            ExportCounters counters = new ExportCounters();
            SdkTracerProvider tracing = provider(new OtlpEndpoint(protocol, java.net.URI.create(url)), counters);
            Tracer tracer = tracing.get("test");
            Span span = tracer.spanBuilder("GET /orders").setSpanKind(SpanKind.SERVER)
                    .setAttribute(AttributeKey.stringKey("http.request.method"), "GET").startSpan();
            span.end();
            tracing.forceFlush().join(10, TimeUnit.SECONDS);

            List<ReceivedSpan> got = receiver.await(Duration.ofSeconds(10), s -> !s.isEmpty());
            assertEquals(1, got.size(), got.toString());
            ReceivedSpan s = got.get(0);
            assertEquals(span.getSpanContext().getTraceId(), s.traceId());
            assertEquals("GET /orders", s.name());
            assertEquals("SERVER", s.kind());
            assertEquals("orders", s.service());
            assertEquals("GET", s.attr("http.request.method"));
            assertEquals(1, counters.exported());
            assertEquals(0, counters.dropped());
            tracing.close();
        }
    }

    @ParameterizedTest
    @EnumSource(OtlpEndpoint.Protocol.class)
    void collectorDownDropsAndCountsSpans(OtlpEndpoint.Protocol protocol) throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        ExportCounters counters = new ExportCounters();
        SdkTracerProvider tracing = provider(OtlpEndpoint.of(protocol.text(), "http://127.0.0.1:" + closedPort), counters);
        for (int i = 0; i < 3; i++) {
            tracing.get("test").spanBuilder("span-" + i).startSpan().end();
        }
        tracing.forceFlush().join(10, TimeUnit.SECONDS);
        assertEquals(3, counters.dropped());
        assertEquals(0, counters.exported());
        tracing.close();
    }

    @org.junit.jupiter.api.Test
    void endpointErrorsNameTheValueAndTheExpectation() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> OtlpEndpoint.of("thrift", "http://x:1"));
        assertEquals("protocol: \"thrift\" (expected: grpc or http/protobuf)", e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> OtlpEndpoint.of("grpc", "collector:4317"));
        assertTrue(e.getMessage().contains("\"collector:4317\"") && e.getMessage().contains("http://"), e.getMessage());
    }

    private static SdkTracerProvider provider(OtlpEndpoint endpoint, ExportCounters counters) throws IOException {
        return SdkTracerProvider.builder()
                .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "orders")))
                .addSpanProcessor(SpanExport.batch(SpanExport.exporter(endpoint, Duration.ofSeconds(5), counters),
                        Duration.ofMillis(50), MeterProvider.noop()))
                .build();
    }
}
