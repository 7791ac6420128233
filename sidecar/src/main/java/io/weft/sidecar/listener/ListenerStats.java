package io.weft.sidecar.listener;

import io.weft.sidecar.filter.Exchange;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Request counters of one listener, by status class and response flag, for {@code /stats}. Thread-safe. */
public final class ListenerStats {
    private final LongAdder total = new LongAdder();
    private final LongAdder[] byClass = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};
    private final Map<String, LongAdder> byFlags = new ConcurrentHashMap<>();

    void record(Exchange ex) {
        total.increment();
        int c = ex.status() / 100;
        if (c >= 1 && c <= 5) {
            byClass[c - 1].increment();
        }
        String flags = ex.flags();
        if (!flags.isEmpty()) {
            byFlags.computeIfAbsent(flags, f -> new LongAdder()).increment();
        }
    }

    public Map<String, Object> snapshot() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("requests", total.sum());
        for (int i = 0; i < byClass.length; i++) {
            out.put((i + 1) + "xx", byClass[i].sum());
        }
        Map<String, Long> flags = new java.util.TreeMap<>();
        byFlags.forEach((k, v) -> flags.put(k, v.sum()));
        out.put("response_flags", flags);
        return out;
    }
}
