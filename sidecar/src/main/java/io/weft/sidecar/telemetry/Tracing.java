package io.weft.sidecar.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.extension.trace.propagation.B3Propagator;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.weft.sidecar.model.TelemetrySpec;
import io.weft.telemetry.export.ExportCounters;
import io.weft.telemetry.export.OtlpEndpoint;
import io.weft.telemetry.export.SpanExport;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The proxy's tracer: OpenTelemetry SDK spans sampled by the mesh's policy and exported in batches
 * over OTLP to the collector the mesh config names. W3C trace context and baggage are read and
 * written; B3 (single or multi header) is read too, for older clients. {@link #configure} may be
 * called at any time from any thread; requests in flight finish with the policy they started with.
 */
final class Tracing implements AutoCloseable {
    private static final Duration EXPORT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration BATCH_DELAY = Duration.ofMillis(500);

    /** B3 first so that W3C headers win when a request carries both. */
    static final TextMapPropagator EXTRACT = TextMapPropagator.composite(B3Propagator.injectingMultiHeaders(),
            W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance());
    static final TextMapPropagator INJECT = TextMapPropagator.composite(W3CTraceContextPropagator.getInstance(),
            W3CBaggagePropagator.getInstance());

    private final SdkTracerProvider provider;
    private final Tracer tracer;
    private final ExportSwitch export = new ExportSwitch();
    private final ExportCounters counters = new ExportCounters();
    private final MeterProvider meters;
    private final ReentrantLock lock = new ReentrantLock();
    private Optional<OtlpEndpoint> endpoint = Optional.empty();
    private volatile TelemetrySpec.Tracing spec = TelemetrySpec.DEFAULT.tracing();
    private volatile SamplingPolicy policy = SamplingPolicy.OFF;
    private volatile SamplingPolicy edgePolicy = SamplingPolicy.OFF;

    Tracing(Resource resource, MeterProvider meters) {
        this.meters = Objects.requireNonNull(meters, "meters");
        this.provider = SdkTracerProvider.builder()
                .setResource(resource)
                .setSampler(new PolicySampler())
                .setSpanLimits(SpanLimits.builder().setMaxNumberOfAttributes(32).setMaxNumberOfEvents(8).build())
                .addSpanProcessor(export)
                .build();
        this.tracer = provider.get("io.weft.sidecar");
    }

    Tracer tracer() {
        return tracer;
    }

    ExportCounters counters() {
        return counters;
    }

    /** The policy for a listener: the edge also gets the tail decision for errors, when enabled. */
    SamplingPolicy policy(boolean edge) {
        return edge ? edgePolicy : policy;
    }

    TelemetrySpec.Tracing spec() {
        return spec;
    }

    /** Applies a (possibly) new tracing spec: sampling at once, a new exporter when the collector changed. */
    void configure(TelemetrySpec.Tracing next) {
        lock.lock();
        try {
            if (next.equals(spec) && (policy != SamplingPolicy.OFF || next.collector().isEmpty())) {
                return;
            }
            Optional<OtlpEndpoint> wanted = next.collector().map(c -> OtlpEndpoint.of(next.protocol(), c));
            if (!wanted.equals(endpoint)) {
                export.install(wanted.map(e -> SpanExport.batch(SpanExport.exporter(e, EXPORT_TIMEOUT, counters),
                        BATCH_DELAY, meters)).orElse(null));
                endpoint = wanted;
            }
            boolean recording = wanted.isPresent();
            Sampler ratio = Sampler.traceIdRatioBased(next.ratio());
            policy = new SamplingPolicy(recording, ratio, next.parentBased(), false);
            edgePolicy = new SamplingPolicy(recording, ratio, next.parentBased(), next.alwaysSampleErrors());
            spec = next;
        } finally {
            lock.unlock();
        }
    }

    /** Exports what is queued; for tests and shutdown. */
    void flush() {
        provider.forceFlush().join(EXPORT_TIMEOUT.toMillis() * 2, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    static Resource resource(String service, String namespace, String nodeId, String mode) {
        return Resource.getDefault().merge(Resource.create(Attributes.builder()
                .put(AttributeKey.stringKey("service.name"), service)
                .put(AttributeKey.stringKey("service.namespace"), namespace)
                .put(AttributeKey.stringKey("service.instance.id"), nodeId)
                .put(AttributeKey.stringKey("weft.proxy.mode"), mode)
                .build()));
    }

    @Override
    public void close() {
        provider.shutdown().join(EXPORT_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }
}
