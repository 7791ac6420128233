package io.weft.telemetry.export;

import java.util.concurrent.atomic.LongAdder;

/** Spans handed to the collector and spans lost on the way. Thread-safe. */
public final class ExportCounters {
    private final LongAdder exported = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    public long exported() {
        return exported.sum();
    }

    /** Spans whose export failed (collector down, refused or too slow). */
    public long dropped() {
        return dropped.sum();
    }

    void exported(int n) {
        exported.add(n);
    }

    void dropped(int n) {
        dropped.add(n);
    }
}
