package io.weft.sidecar.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Long-lived objects shared by the filters of successive snapshots, so that a config push does not
 * reset a rate limit or empty a cache. One instance per proxy; thread-safe. Objects that are
 * {@link AutoCloseable} are closed, in reverse order of creation, when the proxy stops.
 */
public final class SharedResources implements AutoCloseable {
    private final ConcurrentHashMap<Object, Object> byKey = new ConcurrentHashMap<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    /**
     * The object under {@code key}, created by {@code create} on first use. A key is a string or a
     * record of the config the object serves, so an equal config after a push finds the same object.
     *
     * @throws IllegalStateException when the key holds an object of another type
     */
    public <T> T get(Object key, Class<T> type, Supplier<? extends T> create) {
        Objects.requireNonNull(key, "key");
        Object o = byKey.computeIfAbsent(key, k -> {
            T made = Objects.requireNonNull(create.get(), "create.get()");
            if (made instanceof AutoCloseable c) {
                synchronized (closeables) {
                    closeables.add(c);
                }
            }
            return made;
        });
        if (!type.isInstance(o)) {
            throw new IllegalStateException("shared resource " + key + ": " + o.getClass().getName()
                    + " (expected: " + type.getName() + ")");
        }
        return type.cast(o);
    }

    @Override
    public void close() {
        List<AutoCloseable> toClose;
        synchronized (closeables) {
            toClose = new ArrayList<>(closeables);
            closeables.clear();
        }
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                System.getLogger(SharedResources.class.getName()).log(System.Logger.Level.WARNING,
                        "closing shared resource failed: " + e);
            }
        }
        byKey.clear();
    }
}
