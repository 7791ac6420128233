package io.weft.controlplane.model;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How callers treat a service's endpoints: balancing, limits, ejection and health checks.
 *
 * @param loadBalancer     the balancing policy
 * @param connectTimeout   the TCP connect deadline
 * @param circuitBreaker   concurrency limits and retry budget, if set
 * @param outlierDetection passive ejection of failing endpoints, if set
 * @param healthCheck      active health checking, if set
 */
public record ClusterPolicy(LoadBalancer loadBalancer, Duration connectTimeout, Optional<CircuitBreaker> circuitBreaker,
                            Optional<OutlierDetection> outlierDetection, Optional<HealthCheck> healthCheck) {
    public static final ClusterPolicy DEFAULT = new ClusterPolicy(LoadBalancer.PEAK_EWMA, Duration.ofSeconds(2),
            Optional.empty(), Optional.empty(), Optional.empty());

    public ClusterPolicy {
        Objects.requireNonNull(loadBalancer, "loadBalancer");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(circuitBreaker, "circuitBreaker");
        Objects.requireNonNull(outlierDetection, "outlierDetection");
        Objects.requireNonNull(healthCheck, "healthCheck");
    }

    public enum LoadBalancer { PEAK_EWMA, ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH }

    /**
     * @param maxConnections     connections to all endpoints together
     * @param maxPendingRequests requests waiting for a connection
     * @param maxRequests        requests in flight
     * @param maxRetries         retries in flight
     * @param retryBudgetPercent retries allowed as a percentage of requests in flight (0: no budget)
     * @param retryBudgetMinConcurrency retries always allowed, whatever the budget
     */
    public record CircuitBreaker(int maxConnections, int maxPendingRequests, int maxRequests, int maxRetries,
                                 int retryBudgetPercent, int retryBudgetMinConcurrency) {
    }

    /**
     * @param consecutive5xx      5xx responses in a row that eject an endpoint (0: off)
     * @param consecutiveGatewayErrors 502/503/504 or connect failures in a row that eject (0: off)
     * @param interval            how often ejection is evaluated
     * @param baseEjectionTime    the first ejection's length; it grows with each ejection
     * @param maxEjectionPercent  at most this share of endpoints is ejected at once
     * @param successRateStdevFactor success-rate ejection: endpoints below mean - factor/1000 × stdev (0: off)
     */
    public record OutlierDetection(int consecutive5xx, int consecutiveGatewayErrors, Duration interval,
                                   Duration baseEjectionTime, int maxEjectionPercent, int successRateStdevFactor) {
        public OutlierDetection {
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(baseEjectionTime, "baseEjectionTime");
        }
    }

    /** Active HTTP health checking: {@code GET path} every {@code interval}. */
    public record HealthCheck(String path, Duration interval, Duration timeout, int unhealthyThreshold,
                              int healthyThreshold) {
        public HealthCheck {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(timeout, "timeout");
        }
    }
}
