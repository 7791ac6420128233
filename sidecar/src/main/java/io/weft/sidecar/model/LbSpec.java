package io.weft.sidecar.model;

import java.time.Duration;
import java.util.Objects;

/**
 * How a cluster spreads requests over its endpoints.
 *
 * @param policy        the algorithm
 * @param ewmaDecay     peak-EWMA: time constant of the latency average
 * @param ewmaDefaultRtt peak-EWMA: latency assumed for an endpoint without samples
 * @param ringSize      ring hash: number of points on the ring
 * @param slowStart     how long an endpoint that (re)joins takes to reach its full share; zero for at once
 */
public record LbSpec(Policy policy, Duration ewmaDecay, Duration ewmaDefaultRtt, int ringSize, Duration slowStart) {
    public enum Policy { PEAK_EWMA, ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH }

    public static final Duration DEFAULT_DECAY = Duration.ofSeconds(10);
    public static final Duration DEFAULT_RTT = Duration.ofMillis(100);
    public static final int DEFAULT_RING = 1024;

    public LbSpec {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(ewmaDecay, "ewmaDecay");
        Objects.requireNonNull(ewmaDefaultRtt, "ewmaDefaultRtt");
        Objects.requireNonNull(slowStart, "slowStart");
    }

    public static LbSpec of(Policy policy) {
        return new LbSpec(policy, DEFAULT_DECAY, DEFAULT_RTT, DEFAULT_RING, Duration.ZERO);
    }
}
