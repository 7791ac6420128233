package io.weft.sidecar.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.sidecar.model.EndpointSpec;
import io.weft.sidecar.model.OutlierSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Ejection rules, with time driven by hand. */
class OutlierDetectorTest {
    private long now = 5_000_000_000L;

    private EndpointState[] endpoints(int n) {
        EndpointState[] eps = new EndpointState[n];
        for (int i = 0; i < n; i++) {
            eps[i] = new EndpointState(new EndpointSpec("10.0.0." + (i + 1), 80, 1, ""), now);
        }
        return eps;
    }

    private static OutlierSpec spec(int consecutive5xx, int maxPercent, int srMinHosts) {
        return new OutlierSpec(consecutive5xx, 0, Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(300),
                maxPercent, srMinHosts, 100, 1900);
    }

    @Test
    void ejectionTimeGrowsWithEachEjectionAndRunsOut() {
        OutlierDetector d = new OutlierDetector(spec(2, 100, 0));
        EndpointState[] eps = endpoints(2);
        d.record(eps[0], OutlierDetector.Outcome.ERROR_5XX, now, eps);
        d.record(eps[0], OutlierDetector.Outcome.SUCCESS, now, eps);
        d.record(eps[0], OutlierDetector.Outcome.ERROR_5XX, now, eps);
        assertFalse(eps[0].ejected(), "a success in between resets the count");
        d.record(eps[0], OutlierDetector.Outcome.LOCAL_FAILURE, now, eps);
        assertTrue(eps[0].ejected());
        now += Duration.ofSeconds(29).toNanos();
        d.sweep(now, eps);
        assertTrue(eps[0].ejected(), "still within 30 s");
        now += Duration.ofSeconds(1).toNanos();
        d.sweep(now, eps);
        assertFalse(eps[0].ejected(), "back after the base ejection time");
        d.record(eps[0], OutlierDetector.Outcome.ERROR_5XX, now, eps);
        d.record(eps[0], OutlierDetector.Outcome.ERROR_5XX, now, eps);
        now += Duration.ofSeconds(30).toNanos();
        d.sweep(now, eps);
        assertTrue(eps[0].ejected(), "a second ejection lasts twice as long");
        now += Duration.ofSeconds(30).toNanos();
        d.sweep(now, eps);
        assertFalse(eps[0].ejected());
    }

    @Test
    void neverEjectsMoreThanTheMaxPercentButAlwaysAllowsOne() {
        OutlierDetector d = new OutlierDetector(spec(1, 10, 0));
        EndpointState[] eps = endpoints(3);
        for (EndpointState e : eps) {
            d.record(e, OutlierDetector.Outcome.GATEWAY_ERROR, now, eps);
        }
        int ejected = 0;
        for (EndpointState e : eps) {
            ejected += e.ejected() ? 1 : 0;
        }
        assertEquals(1, ejected, "10% of 3 rounds down to 0, but one ejection is always allowed");
    }

    @Test
    void successRateOutliersAreEjectedAtTheInterval() {
        OutlierDetector d = new OutlierDetector(spec(0, 100, 5));
        EndpointState[] eps = endpoints(6);
        for (int i = 0; i < eps.length; i++) {
            for (int k = 0; k < 200; k++) {
                boolean fail = i == 5 ? k % 2 == 0 : k % 100 == 0; // 50% vs 1% errors
                d.record(eps[i], fail ? OutlierDetector.Outcome.ERROR_5XX : OutlierDetector.Outcome.SUCCESS, now, eps);
            }
        }
        d.sweep(now, eps);
        for (int i = 0; i < 5; i++) {
            assertFalse(eps[i].ejected(), "endpoint " + i);
        }
        assertTrue(eps[5].ejected(), "the endpoint failing half its requests is an outlier");
    }
}
