package io.weft.telemetry.export;

import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.InternalTelemetryVersion;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.Objects;

/**
 * Builds the batched OTLP span pipeline: a bounded queue drained by one exporter thread. Adding a
 * span never blocks; when the queue is full or an export fails the spans are dropped and counted
 * ({@link ExportCounters}). Export is not retried, so a collector that is down costs one failed
 * call per batch and nothing on the request path.
 */
public final class SpanExport {
    /** Spans held while the collector is slow; beyond this they are dropped. */
    public static final int MAX_QUEUE = 8192;

    private SpanExport() {
    }

    /** An OTLP exporter for {@code endpoint}, failing fast (no retries), counting into {@code counters}. */
    public static SpanExporter exporter(OtlpEndpoint endpoint, Duration timeout, ExportCounters counters) {
        Objects.requireNonNull(endpoint, "endpoint");
        SpanExporter raw = switch (endpoint.protocol()) {
            case GRPC -> OtlpGrpcSpanExporter.builder()
                    .setEndpoint(endpoint.signalUrl("traces"))
                    .setTimeout(timeout)
                    .setConnectTimeout(timeout)
                    .setRetryPolicy(null)
                    .build();
            case HTTP_PROTOBUF -> OtlpHttpSpanExporter.builder()
                    .setEndpoint(endpoint.signalUrl("traces"))
                    .setTimeout(timeout)
                    .setConnectTimeout(timeout)
                    .setRetryPolicy(null)
                    .build();
        };
        return new CountingSpanExporter(raw, counters);
    }

    /**
     * Batches every span handed to it for {@code exporter}, sampled or not: the caller decides which
     * spans reach it (tail decisions). The processor's own queue metrics go to {@code meters}.
     */
    public static SpanProcessor batch(SpanExporter exporter, Duration delay, MeterProvider meters) {
        return BatchSpanProcessor.builder(exporter)
                .setExportUnsampledSpans(true)
                .setScheduleDelay(delay)
                .setMaxQueueSize(MAX_QUEUE)
                .setMaxExportBatchSize(512)
                .setMeterProvider(meters)
                .setInternalTelemetryVersion(InternalTelemetryVersion.LATEST)
                .build();
    }
}
