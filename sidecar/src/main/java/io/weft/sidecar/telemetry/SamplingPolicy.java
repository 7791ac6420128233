package io.weft.sidecar.telemetry;

import io.opentelemetry.sdk.trace.samplers.Sampler;

/**
 * A compiled sampling decision rule, carried to the sampler in the span's parent context.
 *
 * @param recording   false when there is no collector: spans get ids but are never recorded
 * @param ratio       decides for traces this proxy starts (or when parents are ignored)
 * @param parentBased follow a remote parent's sampled flag
 * @param tailErrors  record unsampled spans so that failed ones can still be exported (edge only)
 */
record SamplingPolicy(boolean recording, Sampler ratio, boolean parentBased, boolean tailErrors) {
    static final SamplingPolicy OFF = new SamplingPolicy(false, Sampler.alwaysOff(), true, false);
}
