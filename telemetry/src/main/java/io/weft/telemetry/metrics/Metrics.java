package io.weft.telemetry.metrics;

import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.metrics.ExemplarFilter;
import io.opentelemetry.sdk.resources.Resource;
import io.weft.telemetry.export.OtlpEndpoint;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One process's metrics: an OpenTelemetry {@link SdkMeterProvider} read on demand for Prometheus
 * scrapes ({@link #scrape}) and, when configured, pushed over OTLP on an interval. Instruments are
 * created once and recorded to without locks. Every instrument caps its distinct label sets (the
 * SDK's cardinality limit, 2000 by default); beyond that points fold into one overflow series.
 * Thread-safe.
 */
public final class Metrics implements AutoCloseable {
    /** Latency buckets in seconds (OpenTelemetry's HTTP semantic conventions' advice). */
    public static final List<Double> LATENCY_BUCKETS =
            List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);

    private final SdkMeterProvider provider;
    private final ScrapeReader scrape = new ScrapeReader();

    private Metrics(Resource resource, Optional<OtlpEndpoint> push, Duration interval) {
        SdkMeterProviderBuilder b = SdkMeterProvider.builder().setResource(resource).registerMetricReader(scrape)
                .setExemplarFilter(ExemplarFilter.alwaysOff());
        push.ifPresent(p -> b.registerMetricReader(PeriodicMetricReader.builder(exporter(p)).setInterval(interval).build()));
        this.provider = b.build();
    }

    /** Metrics for the process named by {@code resource}; {@code push} adds OTLP export every {@code interval}. */
    public static Metrics create(Resource resource, Optional<OtlpEndpoint> push, Duration interval) {
        return new Metrics(Objects.requireNonNull(resource, "resource"), push, interval);
    }

    public Meter meter(String scope) {
        return provider.get(scope);
    }

    public MeterProvider provider() {
        return provider;
    }

    /** The current value of every metric, in the requested format. */
    public String scrape(PrometheusText.Format format) {
        return PrometheusText.write(scrape.collect(), format);
    }

    private static MetricExporter exporter(OtlpEndpoint e) {
        return switch (e.protocol()) {
            case GRPC -> OtlpGrpcMetricExporter.builder().setEndpoint(e.uri().toString()).setRetryPolicy(null).build();
            case HTTP_PROTOBUF -> OtlpHttpMetricExporter.builder().setEndpoint(metricsUrl(e)).setRetryPolicy(null).build();
        };
    }

    private static String metricsUrl(OtlpEndpoint e) {
        String s = e.uri().toString();
        String path = e.uri().getPath();
        return path == null || path.isEmpty() || path.equals("/") ? s.replaceAll("/$", "") + "/v1/metrics" : s;
    }

    @Override
    public void close() {
        provider.close();
    }
}
