package io.weft.sidecar.telemetry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The last {@code capacity} requests this proxy finished, newest overwriting oldest. Adding is one
 * atomic increment and one store; readers scan a consistent-enough copy. Thread-safe, lock-free.
 */
public final class RecentRequests {
    private final AtomicReferenceArray<RequestRecord> slots;
    private final AtomicLong next = new AtomicLong();

    public RecentRequests(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        }
        this.slots = new AtomicReferenceArray<>(capacity);
    }

    public void add(RequestRecord r) {
        slots.set((int) (next.getAndIncrement() % slots.length()), r);
    }

    /** Up to {@code limit} records, newest first. */
    public List<RequestRecord> newest(int limit) {
        List<RequestRecord> out = new ArrayList<>(Math.min(limit, slots.length()));
        long end = next.get();
        for (long i = end - 1; i >= 0 && i >= end - slots.length() && out.size() < limit; i--) {
            RequestRecord r = slots.get((int) (i % slots.length()));
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    /** Records whose trace id or request id is {@code id}, oldest first. */
    public List<RequestRecord> find(String id) {
        List<RequestRecord> out = new ArrayList<>();
        for (RequestRecord r : newest(slots.length())) {
            if (r.traceId().equals(id) || r.requestId().equals(id)) {
                out.add(0, r);
            }
        }
        return out;
    }

    /** Records that arrived at or after {@code since}, newest first. */
    public List<RequestRecord> since(Instant since) {
        List<RequestRecord> out = new ArrayList<>();
        for (RequestRecord r : newest(slots.length())) {
            if (!r.time().isBefore(since)) {
                out.add(r);
            }
        }
        return out;
    }

    public int capacity() {
        return slots.length();
    }
}
