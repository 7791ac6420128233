package io.weft.sidecar.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The current snapshot: one volatile reference, read once per request. Empty until the first
 * consistent config arrives; the proxy is not ready before that.
 */
public final class SnapshotHolder {
    private final CountDownLatch first = new CountDownLatch(1);
    private volatile ConfigSnapshot current;

    public Optional<ConfigSnapshot> current() {
        return Optional.ofNullable(current);
    }

    public void swap(ConfigSnapshot next) {
        current = Objects.requireNonNull(next, "next");
        first.countDown();
    }

    public boolean ready() {
        return current != null;
    }

    /** Waits for the first snapshot; returns whether it came in time. */
    public boolean awaitFirst(Duration timeout) throws InterruptedException {
        return first.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
