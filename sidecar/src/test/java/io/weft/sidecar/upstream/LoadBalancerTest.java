package io.weft.sidecar.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.sidecar.model.EndpointSpec;
import io.weft.sidecar.model.LbSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The balancers' choices, with a hand-driven clock. */
class LoadBalancerTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Ticker ticker = now::get;

    private EndpointState[] endpoints(int n) {
        EndpointState[] eps = new EndpointState[n];
        for (int i = 0; i < n; i++) {
            eps[i] = new EndpointState(new EndpointSpec("127.0.0." + (i + 1), 80, 1, ""), now.get());
        }
        return eps;
    }

    @Test
    void leastRequestPrefersTheEndpointWithFewerRequestsInFlight() {
        EndpointState[] eps = endpoints(2);
        LoadBalancer lb = LoadBalancer.create(LbSpec.of(LbSpec.Policy.LEAST_REQUEST), eps, ticker, 0);
        eps[0].inflight.set(5);
        for (int i = 0; i < 50; i++) {
            assertSame(eps[1], lb.pick(0, null));
        }
    }

    @Test
    void peakEwmaPrefersLowLatencyAndReactsAtOnceToASlowSample() {
        EndpointState[] eps = endpoints(2);
        LoadBalancer lb = LoadBalancer.create(LbSpec.of(LbSpec.Policy.PEAK_EWMA), eps, ticker, 0);
        long decay = LbSpec.DEFAULT_DECAY.toNanos();
        eps[0].observeLatency(now.get(), 2_000_000, decay);
        eps[1].observeLatency(now.get(), 80_000_000, decay);
        for (int i = 0; i < 50; i++) {
            assertSame(eps[0], lb.pick(0, null));
        }
        eps[0].observeLatency(now.addAndGet(1_000_000), 500_000_000, decay); // one very slow answer: the peak counts at once
        assertSame(eps[1], lb.pick(0, null));
    }

    @Test
    void unavailableEndpointsAreSkippedAndNoneAvailableMeansNull() {
        EndpointState[] eps = endpoints(3);
        for (LbSpec.Policy p : LbSpec.Policy.values()) {
            LoadBalancer lb = LoadBalancer.create(LbSpec.of(p), eps, ticker, 0);
            eps[0].ejected = true;
            eps[1].activeHealthy = false;
            for (int i = 0; i < 20; i++) {
                assertSame(eps[2], lb.pick(i * 7919L, null), p.name());
            }
            eps[2].ejected = true;
            assertNull(lb.pick(1, null), p.name());
            eps[0].ejected = false;
            eps[1].activeHealthy = true;
            eps[2].ejected = false;
        }
    }

    @Test
    void aRetryAvoidsThePreviousEndpointUnlessItIsTheOnlyOne() {
        EndpointState[] eps = endpoints(2);
        for (LbSpec.Policy p : LbSpec.Policy.values()) {
            LoadBalancer lb = LoadBalancer.create(LbSpec.of(p), eps, ticker, 0);
            for (int i = 0; i < 20; i++) {
                assertSame(eps[1], lb.pick(i * 31L, eps[0]), p.name());
            }
            eps[1].ejected = true;
            assertSame(eps[0], lb.pick(5, eps[0]), p.name());
            eps[1].ejected = false;
        }
    }

    @Test
    void ringHashKeepsMostKeysInPlaceWhenAnEndpointLeaves() {
        EndpointState[] four = endpoints(4);
        EndpointState[] three = {four[0], four[1], four[2]};
        LoadBalancer before = LoadBalancer.create(LbSpec.of(LbSpec.Policy.RING_HASH), four, ticker, 0);
        LoadBalancer after = LoadBalancer.create(LbSpec.of(LbSpec.Policy.RING_HASH), three, ticker, 0);
        Map<EndpointState, Integer> share = new HashMap<>();
        int moved = 0;
        for (int k = 0; k < 2000; k++) {
            long h = Hash64.of("key-" + k);
            EndpointState b = before.pick(h, null);
            share.merge(b, 1, Integer::sum);
            if (b != four[3]) {
                moved += b == after.pick(h, null) ? 0 : 1;
            }
        }
        // as in Envoy, the survivors' point counts grow with the ring, so a few of their keys move too
        assertTrue(moved < 2000 / 4 * 3 / 5, "keys of the remaining endpoints mostly stayed put: " + moved + " moved");
        for (EndpointState e : four) {
            assertTrue(share.getOrDefault(e, 0) > 300, "each endpoint owns a fair share: " + share);
        }
    }

    @Test
    void aReturningEndpointWarmsUpGradually() {
        EndpointState[] eps = endpoints(2);
        long window = 10_000_000_000L;
        LoadBalancer lb = LoadBalancer.create(LbSpec.of(LbSpec.Policy.ROUND_ROBIN), eps, ticker, window);
        eps[1].returnedAtNanos = now.get(); // just came back
        eps[0].returnedAtNanos = now.get() - window;
        int toNew = 0;
        for (int i = 0; i < 1000; i++) {
            toNew += lb.pick(0, null) == eps[1] ? 1 : 0;
        }
        assertTrue(toNew < 200, "a cold endpoint takes about 10% of its share at first: " + toNew);
        now.addAndGet(window);
        toNew = 0;
        for (int i = 0; i < 1000; i++) {
            toNew += lb.pick(0, null) == eps[1] ? 1 : 0;
        }
        assertEquals(500, toNew, "warm: its full round-robin share");
    }
}
