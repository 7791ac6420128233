package io.weft.sidecar.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;

/**
 * Hands ended spans to the current export pipeline, which can be replaced while requests run (the
 * collector changed). Sampled spans always go; recorded-but-unsampled spans go only when they
 * failed (tail sampling of errors). Without a pipeline, spans are discarded. Thread-safe.
 */
final class ExportSwitch implements SpanProcessor {
    static final AttributeKey<Boolean> FAILED = AttributeKey.booleanKey("weft.failed");

    private volatile SpanProcessor current;

    /** Installs {@code next} (or none) and shuts the previous pipeline down after it flushed. */
    void install(SpanProcessor next) {
        SpanProcessor old = current;
        current = next;
        if (old != null) {
            old.shutdown();
        }
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
    }

    @Override
    public boolean isStartRequired() {
        return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
        SpanProcessor p = current;
        if (p == null) {
            return;
        }
        if (span.getSpanContext().isSampled() || Boolean.TRUE.equals(span.getAttribute(FAILED))) {
            p.onEnd(span);
        }
    }

    @Override
    public boolean isEndRequired() {
        return true;
    }

    @Override
    public CompletableResultCode forceFlush() {
        SpanProcessor p = current;
        return p == null ? CompletableResultCode.ofSuccess() : p.forceFlush();
    }

    @Override
    public CompletableResultCode shutdown() {
        SpanProcessor p = current;
        current = null;
        return p == null ? CompletableResultCode.ofSuccess() : p.shutdown();
    }
}
