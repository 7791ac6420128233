package io.weft.telemetry.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;

/** Counts what its delegate exported and what it failed to export. */
final class CountingSpanExporter implements SpanExporter {
    private final SpanExporter delegate;
    private final ExportCounters counters;

    CountingSpanExporter(SpanExporter delegate, ExportCounters counters) {
        this.delegate = delegate;
        this.counters = counters;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        int n = spans.size();
        CompletableResultCode result;
        try {
            result = delegate.export(spans);
        } catch (RuntimeException e) {
            counters.dropped(n);
            return CompletableResultCode.ofFailure();
        }
        result.whenComplete(() -> {
            if (result.isSuccess()) {
                counters.exported(n);
            } else {
                counters.dropped(n);
            }
        });
        return result;
    }

    @Override
    public CompletableResultCode flush() {
        return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
        return delegate.shutdown();
    }
}
