package io.weft.sidecar.upstream;

import io.weft.sidecar.model.OutlierSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Passive outlier detection for one cluster, as Envoy does it: consecutive 5xx (and connect
 * failures, resets, timeouts) or consecutive gateway errors eject an endpoint at once; every interval
 * the detector returns endpoints whose ejection ran out (they warm up again through slow start),
 * lowers the ejection multiplier of those that behaved, and ejects statistical outliers by success
 * rate. Never ejects more than {@code max_ejection_percent} of the endpoints (but at least one may
 * be). Thread-safe: counters are atomic, ejection decisions take a short lock (no I/O under it).
 */
final class OutlierDetector {
    /** How one attempt at an endpoint ended, for outlier accounting. */
    enum Outcome { SUCCESS, ERROR_5XX, GATEWAY_ERROR, LOCAL_FAILURE }

    private final OutlierSpec spec;
    private final ReentrantLock lock = new ReentrantLock();
    private final java.util.function.Consumer<EndpointState> onEject;

    OutlierDetector(OutlierSpec spec) {
        this(spec, e -> { });
    }

    /** @param onEject told about every ejection (metrics); must not block */
    OutlierDetector(OutlierSpec spec, java.util.function.Consumer<EndpointState> onEject) {
        this.spec = spec;
        this.onEject = onEject;
    }

    OutlierSpec spec() {
        return spec;
    }

    static Outcome classify(int status) {
        if (status == 502 || status == 503 || status == 504) {
            return Outcome.GATEWAY_ERROR;
        }
        return status >= 500 ? Outcome.ERROR_5XX : Outcome.SUCCESS;
    }

    /** Counts an attempt's outcome; ejects the endpoint when a consecutive-failure threshold is reached. */
    void record(EndpointState e, Outcome o, long now, EndpointState[] all) {
        e.intervalTotal.incrementAndGet();
        if (o == Outcome.SUCCESS) {
            e.intervalSuccess.incrementAndGet();
            e.consecutive5xx.set(0);
            e.consecutiveGatewayFailures.set(0);
            return;
        }
        int c5 = e.consecutive5xx.incrementAndGet();
        int gw = o == Outcome.ERROR_5XX ? 0 : e.consecutiveGatewayFailures.incrementAndGet();
        if (o == Outcome.ERROR_5XX) {
            e.consecutiveGatewayFailures.set(0);
        }
        if ((spec.consecutive5xx() > 0 && c5 >= spec.consecutive5xx())
                || (spec.consecutiveGatewayFailure() > 0 && gw >= spec.consecutiveGatewayFailure())) {
            eject(e, now, all);
        }
    }

    private boolean eject(EndpointState e, long now, EndpointState[] all) {
        lock.lock();
        try {
            if (e.ejected) {
                return false;
            }
            int ejected = 0;
            for (EndpointState x : all) {
                ejected += x.ejected ? 1 : 0;
            }
            if (spec.maxEjectionPercent() == 0 || ejected >= Math.max(1, all.length * spec.maxEjectionPercent() / 100)) {
                return false;
            }
            int n = e.ejections + 1;
            e.ejections = n;
            long time = Math.min(spec.baseEjectionTime().toNanos() * n, Math.max(spec.baseEjectionTime().toNanos(),
                    spec.maxEjectionTime().toNanos()));
            e.ejectedUntilNanos = now + time;
            e.ejected = true;
            e.consecutive5xx.set(0);
            e.consecutiveGatewayFailures.set(0);
        } finally {
            lock.unlock();
        }
        onEject.accept(e);
        return true;
    }

    /** The interval's work: returns, multiplier decay, success-rate ejection; then resets the interval counters. */
    void sweep(long now, EndpointState[] all) {
        List<EndpointState> withVolume = new ArrayList<>();
        for (EndpointState e : all) {
            if (e.ejected) {
                if (now - e.ejectedUntilNanos >= 0) {
                    e.ejected = false;
                    e.returnedAtNanos = now;
                }
            } else if (e.ejections > 0) {
                e.ejections = e.ejections - 1;
            }
            if (!e.ejected && e.intervalTotal.get() >= spec.successRateRequestVolume()) {
                withVolume.add(e);
            }
        }
        if (spec.successRateMinimumHosts() > 0 && withVolume.size() >= spec.successRateMinimumHosts()) {
            double[] rates = new double[withVolume.size()];
            double sum = 0;
            for (int i = 0; i < rates.length; i++) {
                EndpointState e = withVolume.get(i);
                rates[i] = 100.0 * e.intervalSuccess.get() / e.intervalTotal.get();
                sum += rates[i];
            }
            double mean = sum / rates.length;
            double var = 0;
            for (double r : rates) {
                var += (r - mean) * (r - mean);
            }
            double threshold = mean - Math.sqrt(var / rates.length) * spec.successRateStdevFactor() / 1000.0;
            for (int i = 0; i < rates.length; i++) {
                if (rates[i] < threshold) {
                    eject(withVolume.get(i), now, all);
                }
            }
        }
        for (EndpointState e : all) {
            e.intervalTotal.set(0);
            e.intervalSuccess.set(0);
        }
    }
}
