package io.weft.sidecar.upstream;

import io.weft.sidecar.model.EndpointSpec;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the proxy has learned about one endpoint of one cluster, kept across config updates: requests
 * in flight, a peak-sensitive moving average of latency, outlier-detection counters and ejection,
 * and the active health-check verdict. Thread-safe: counters are atomic; the moving average is
 * updated under the object's monitor (arithmetic only, never I/O).
 */
public final class EndpointState {
    private final InetSocketAddress address;
    private final String authority;
    private volatile EndpointSpec spec;
    final AtomicInteger inflight = new AtomicInteger();

    // peak-EWMA (nanoseconds), guarded by this
    private double ewmaNanos = -1;
    private long ewmaStamp;

    // outlier detection
    final AtomicInteger consecutive5xx = new AtomicInteger();
    final AtomicInteger consecutiveGatewayFailures = new AtomicInteger();
    final AtomicLong intervalTotal = new AtomicLong();
    final AtomicLong intervalSuccess = new AtomicLong();
    volatile long ejectedUntilNanos;
    volatile boolean ejected;
    volatile int ejections;
    volatile long returnedAtNanos = Long.MIN_VALUE;

    // active health checking
    volatile boolean activeHealthy = true;
    int checkFailures;
    int checkPasses;

    EndpointState(EndpointSpec spec, long nowNanos) {
        this.spec = spec;
        this.address = new InetSocketAddress(spec.address(), spec.port());
        this.authority = spec.authority();
        this.returnedAtNanos = nowNanos;
    }

    public EndpointSpec spec() {
        return spec;
    }

    void spec(EndpointSpec s) {
        this.spec = s;
    }

    public InetSocketAddress address() {
        return address;
    }

    public String authority() {
        return authority;
    }

    public int inflight() {
        return inflight.get();
    }

    public boolean ejected() {
        return ejected;
    }

    public boolean activeHealthy() {
        return activeHealthy;
    }

    public int ejections() {
        return ejections;
    }

    /** Whether the load balancer may pick this endpoint now. */
    public boolean available() {
        return !ejected && activeHealthy && spec.healthy();
    }

    /** The current latency estimate in nanoseconds, decayed to {@code now}; {@code dflt} without samples. */
    synchronized double ewma(long now, long dflt, long decayNanos) {
        if (ewmaNanos < 0) {
            return dflt;
        }
        long elapsed = Math.max(0, now - ewmaStamp);
        double w = Math.exp(-(double) elapsed / decayNanos);
        // decays toward the default while idle, so a once-slow endpoint gets another chance
        return ewmaNanos * w + dflt * (1 - w);
    }

    /** Peak-sensitive update: a slower sample replaces the average at once, faster ones pull it down gradually. */
    synchronized void observeLatency(long now, long rttNanos, long decayNanos) {
        if (ewmaNanos < 0 || rttNanos > ewmaNanos) {
            ewmaNanos = rttNanos;
        } else {
            long elapsed = Math.max(0, now - ewmaStamp);
            double w = Math.exp(-(double) elapsed / decayNanos);
            ewmaNanos = ewmaNanos * w + rttNanos * (1 - w);
        }
        ewmaStamp = now;
    }

    /**
     * Share of full weight while warming up after (re)joining: from 10% to 100% over {@code window};
     * 1 outside the window.
     */
    double warmth(long now, long windowNanos) {
        if (windowNanos <= 0) {
            return 1;
        }
        long since = now - returnedAtNanos;
        return since >= windowNanos ? 1 : Math.max(0.1, (double) since / windowNanos);
    }

    @Override
    public String toString() {
        return authority;
    }
}
