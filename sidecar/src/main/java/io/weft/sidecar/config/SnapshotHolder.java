package io.weft.sidecar.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The current snapshot: one volatile reference, read once per request. Empty until the first
 * consistent config arrives; the proxy is not ready before that. Thread-safe.
 */
public final class SnapshotHolder {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition swapped = lock.newCondition();
    private volatile ConfigSnapshot current;

    public Optional<ConfigSnapshot> current() {
        return Optional.ofNullable(current);
    }

    public void swap(ConfigSnapshot next) {
        Objects.requireNonNull(next, "next");
        lock.lock();
        try {
            current = next;
            swapped.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public boolean ready() {
        return current != null;
    }

    /** Waits for the first snapshot; returns whether it came in time. */
    public boolean awaitFirst(Duration timeout) throws InterruptedException {
        return await(s -> true, timeout).isPresent();
    }

    /** Waits until the current snapshot satisfies {@code condition}; empty when it does not within the timeout. */
    public Optional<ConfigSnapshot> await(Predicate<ConfigSnapshot> condition, Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (current == null || !condition.test(current)) {
                if (left <= 0) {
                    return Optional.empty();
                }
                left = swapped.awaitNanos(left);
            }
            return Optional.of(current);
        } finally {
            lock.unlock();
        }
    }
}
