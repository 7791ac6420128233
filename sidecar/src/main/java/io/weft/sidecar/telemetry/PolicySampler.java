package io.weft.sidecar.telemetry;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;

/**
 * Samples by the {@link SamplingPolicy} found in the parent context (none: drop). A span whose parent
 * is local (a client span under this proxy's server span) follows its parent. A remote parent's
 * decision is followed when the policy is parent-based; otherwise the ratio decides on the trace id,
 * so every proxy using the same ratio agrees. Unsampled spans are recorded only for tail decisions.
 */
final class PolicySampler implements Sampler {
    static final ContextKey<SamplingPolicy> POLICY = ContextKey.named("weft-sampling-policy");
    private static final SamplingResult SAMPLE = SamplingResult.recordAndSample();
    private static final SamplingResult RECORD = SamplingResult.recordOnly();
    private static final SamplingResult DROP = SamplingResult.drop();

    @Override
    public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind spanKind,
                                       Attributes attributes, List<LinkData> parentLinks) {
        SamplingPolicy p = parentContext.get(POLICY);
        if (p == null || !p.recording()) {
            return DROP;
        }
        Span parentSpan = Span.fromContext(parentContext);
        SpanContext parent = parentSpan.getSpanContext();
        if (parent.isValid() && !parent.isRemote()) {
            return parent.isSampled() ? SAMPLE : parentSpan.isRecording() ? RECORD : DROP;
        }
        boolean sampled;
        if (parent.isValid() && p.parentBased()) {
            sampled = parent.isSampled();
        } else {
            sampled = p.ratio().shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks)
                    .getDecision() == SamplingDecision.RECORD_AND_SAMPLE;
        }
        if (sampled) {
            return SAMPLE;
        }
        return p.tailErrors() ? RECORD : DROP;
    }

    @Override
    public String getDescription() {
        return "WeftPolicySampler";
    }
}
