package io.weft.sidecar.telemetry;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PolicySamplerTest {
    private final SdkTracerProvider provider = SdkTracerProvider.builder().setSampler(new PolicySampler())
            .addSpanProcessor(new ExportSwitch()).build();
    private final Tracer tracer = provider.get("test");

    @AfterEach
    void close() {
        provider.close();
    }

    private Span start(Context parent, SamplingPolicy p) {
        return tracer.spanBuilder("s").setParent(p == null ? parent : parent.with(PolicySampler.POLICY, p)).startSpan();
    }

    private static Context remoteParent(boolean sampled) {
        return Context.root().with(Span.wrap(SpanContext.createFromRemoteParent("4bf92f3577b34da6a3ce929d0e0e4736",
                "00f067aa0ba902b7", sampled ? TraceFlags.getSampled() : TraceFlags.getDefault(), TraceState.getDefault())));
    }

    @Test
    void withoutACollectorNothingIsRecordedButTheSpanStillHasATraceId() {
        Span s = start(Context.root(), SamplingPolicy.OFF);
        assertFalse(s.isRecording());
        assertTrue(s.getSpanContext().isValid());
        assertFalse(start(Context.root(), null).isRecording());
    }

    @Test
    void theRatioDecidesNewTracesAndARemoteParentsDecisionIsFollowedWhenParentBased() {
        SamplingPolicy all = new SamplingPolicy(true, Sampler.alwaysOn(), true, false);
        SamplingPolicy none = new SamplingPolicy(true, Sampler.alwaysOff(), true, false);
        assertTrue(start(Context.root(), all).getSpanContext().isSampled());
        assertFalse(start(Context.root(), none).getSpanContext().isSampled());
        assertFalse(start(remoteParent(false), all).getSpanContext().isSampled());
        assertTrue(start(remoteParent(true), none).getSpanContext().isSampled());
        SamplingPolicy ignoreParent = new SamplingPolicy(true, Sampler.alwaysOn(), false, false);
        assertTrue(start(remoteParent(false), ignoreParent).getSpanContext().isSampled());
    }

    @Test
    void tailDecisionsRecordUnsampledSpansAndTheirLocalChildrenFollow() {
        SamplingPolicy tail = new SamplingPolicy(true, Sampler.alwaysOff(), true, true);
        Span server = start(Context.root(), tail);
        assertTrue(server.isRecording());
        assertFalse(server.getSpanContext().isSampled());
        Span client = tracer.spanBuilder("c").setParent(Context.root().with(PolicySampler.POLICY, tail).with(server)).startSpan();
        assertTrue(client.isRecording());
        assertFalse(client.getSpanContext().isSampled());
        assertTrue(client.getSpanContext().getTraceId().equals(server.getSpanContext().getTraceId()));
    }
}
