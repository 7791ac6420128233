package io.weft.sidecar.listener;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Shutdown state shared by the listeners and the admin port. While draining, inbound responses carry
 * {@code Connection: close} so callers move their connections elsewhere, {@code /ready} says 503, and
 * once inbound has drained new inbound requests get 503 DR. Outbound keeps working until the proxy
 * stops. Thread-safe.
 */
public final class Drain {
    private volatile boolean draining;
    private volatile boolean inboundClosed;
    private volatile long lastInboundNanos = System.nanoTime();
    private final AtomicInteger inboundInFlight = new AtomicInteger();
    private final AtomicInteger outboundInFlight = new AtomicInteger();

    public boolean draining() {
        return draining;
    }

    public void startDraining() {
        draining = true;
    }

    public boolean inboundClosed() {
        return inboundClosed;
    }

    public void closeInbound() {
        inboundClosed = true;
    }

    void enter(boolean inbound) {
        if (inbound) {
            inboundInFlight.incrementAndGet();
            lastInboundNanos = System.nanoTime();
        } else {
            outboundInFlight.incrementAndGet();
        }
    }

    void exit(boolean inbound) {
        (inbound ? inboundInFlight : outboundInFlight).decrementAndGet();
    }

    public int inboundInFlight() {
        return inboundInFlight.get();
    }

    public int outboundInFlight() {
        return outboundInFlight.get();
    }

    /** Nanoseconds since the last inbound request arrived. */
    public long inboundQuietNanos() {
        return System.nanoTime() - lastInboundNanos;
    }
}
