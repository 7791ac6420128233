package io.weft.sidecar.edge;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * What outlives one snapshot at the edge: the clock, and state that must not reset when a new config
 * arrives — JWKS key sets and their refresh threads, rate-limit buckets, Redis connections, response
 * caches. Filters built for a new snapshot find the state of the same (equal) config here. Thread-safe.
 */
public final class EdgeRuntime implements AutoCloseable {
    private final Clock clock;
    private final Map<Object, Object> shared = new ConcurrentHashMap<>();
    private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();

    private EdgeRuntime(Clock clock) {
        this.clock = clock;
    }

    public static EdgeRuntime create(Clock clock) {
        return new EdgeRuntime(Objects.requireNonNull(clock, "clock"));
    }

    public Clock clock() {
        return clock;
    }

    /**
     * The long-lived object for {@code key} (a record of the config it serves), created on first use.
     * If it is {@link AutoCloseable} it is closed with the runtime.
     */
    @SuppressWarnings("unchecked")
    public <T> T shared(Object key, Supplier<T> create) {
        return (T) shared.computeIfAbsent(key, k -> {
            T t = create.get();
            if (t instanceof AutoCloseable c) {
                closeables.add(c);
            }
            return t;
        });
    }

    @Override
    public void close() {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
        closeables.clear();
        shared.clear();
    }
}
